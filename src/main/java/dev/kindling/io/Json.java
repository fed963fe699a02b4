package dev.kindling.io;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A small, strict JSON reader and writer for file headers (the safetensors header).
 *
 * <p>Created by nobody: static methods only. {@link SafetensorsFile} parses headers with
 * {@link #parse}; {@link SafetensorsWriter} writes them with {@link #write}.
 *
 * <p>Guarantees of {@link #parse}: it accepts exactly RFC 8259 JSON and returns a tree of
 * {@code Map<String, Object>} (ordered as in the text, {@link LinkedHashMap}), {@code List<Object>},
 * {@code String}, {@code Long} (numbers without fraction or exponent), {@code Double} (other
 * numbers), {@code Boolean} and {@code null}. Everything else is rejected with an
 * {@link IllegalArgumentException} that gives the character offset: trailing text after the value
 * (only whitespace may follow), duplicate object keys, bad or unpaired-surrogate escapes, raw
 * control characters in strings, nesting deeper than {@link #MAX_DEPTH}, integers outside the
 * 64-bit range, numbers that overflow a double, and numbers longer than
 * {@link #MAX_NUMBER_CHARS}. Parsing is iterative in the text length and recursive only to
 * {@link #MAX_DEPTH}, so no input can overflow the stack.
 */
final class Json {
    /** Deepest nesting of arrays and objects accepted (a safetensors header needs 3). */
    static final int MAX_DEPTH = 64;
    /** Longest number token accepted, in characters. */
    static final int MAX_NUMBER_CHARS = 400;

    private final String text;
    private int pos;

    private Json(String text) { this.text = text; }

    /** Parses one JSON value that makes up the whole of {@code text} (surrounding whitespace allowed). */
    static Object parse(String text) {
        Json p = new Json(text);
        p.skipWhitespace();
        Object value = p.readValue(0);
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describe(p.pos) + " after the end of the JSON value");
        }
        return value;
    }

    private Object readValue(int depth) {
        if (pos >= text.length()) throw error("unexpected end of input, expected a value");
        char c = text.charAt(pos);
        switch (c) {
            case '{': return readObject(depth + 1);
            case '[': return readArray(depth + 1);
            case '"': return readString();
            case 't': return readLiteral("true", Boolean.TRUE);
            case 'f': return readLiteral("false", Boolean.FALSE);
            case 'n': return readLiteral("null", null);
            default:
                if (c == '-' || (c >= '0' && c <= '9')) return readNumber();
                throw error("unexpected " + describe(pos) + ", expected a value");
        }
    }

    private Map<String, Object> readObject(int depth) {
        checkDepth(depth);
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') throw error("expected a string key, found " + describe(pos));
            int keyPos = pos;
            String key = readString();
            skipWhitespace();
            expect(':');
            skipWhitespace();
            Object value = readValue(depth);
            if (map.containsKey(key)) {
                throw new IllegalArgumentException(
                        "duplicate key \"" + abbreviate(key) + "\" at offset " + keyPos);
            }
            map.put(key, value);
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == '}') {
                pos++;
                return map;
            } else {
                throw error("expected ',' or '}' in object, found " + describe(pos));
            }
        }
    }

    private List<Object> readArray(int depth) {
        checkDepth(depth);
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            skipWhitespace();
            list.add(readValue(depth));
            skipWhitespace();
            char c = peek();
            if (c == ',') {
                pos++;
            } else if (c == ']') {
                pos++;
                return list;
            } else {
                throw error("expected ',' or ']' in array, found " + describe(pos));
            }
        }
    }

    private String readString() {
        int start = pos;
        pos++; // opening quote
        StringBuilder sb = null;
        int runStart = pos;
        while (true) {
            if (pos >= text.length()) {
                pos = start;
                throw error("unterminated string");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                String s = sb == null ? text.substring(runStart, pos)
                        : sb.append(text, runStart, pos).toString();
                pos++;
                return s;
            }
            if (c < 0x20) throw error("raw control character " + describe(pos) + " in string");
            if (c != '\\') {
                pos++;
                continue;
            }
            if (sb == null) sb = new StringBuilder();
            sb.append(text, runStart, pos);
            int escapePos = pos;
            pos++;
            if (pos >= text.length()) {
                pos = start;
                throw error("unterminated string");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"': sb.append('"'); break;
                case '\\': sb.append('\\'); break;
                case '/': sb.append('/'); break;
                case 'b': sb.append('\b'); break;
                case 'f': sb.append('\f'); break;
                case 'n': sb.append('\n'); break;
                case 'r': sb.append('\r'); break;
                case 't': sb.append('\t'); break;
                case 'u': {
                    char u = readHex4(escapePos);
                    if (Character.isHighSurrogate(u)) {
                        if (pos + 1 < text.length() && text.charAt(pos) == '\\' && text.charAt(pos + 1) == 'u') {
                            int lowPos = pos;
                            pos += 2;
                            char low = readHex4(lowPos);
                            if (!Character.isLowSurrogate(low)) {
                                pos = escapePos;
                                throw error("unpaired surrogate escape in string");
                            }
                            sb.append(u).append(low);
                        } else {
                            pos = escapePos;
                            throw error("unpaired surrogate escape in string");
                        }
                    } else if (Character.isLowSurrogate(u)) {
                        pos = escapePos;
                        throw error("unpaired surrogate escape in string");
                    } else {
                        sb.append(u);
                    }
                    break;
                }
                default:
                    pos = escapePos;
                    throw error("invalid escape '\\" + printable(e) + "' in string");
            }
            runStart = pos;
        }
    }

    private char readHex4(int escapePos) {
        if (pos + 4 > text.length()) {
            pos = escapePos;
            throw error("incomplete \\u escape in string");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = hexValue(text.charAt(pos + i));
            if (d < 0) {
                pos = escapePos;
                throw error("invalid \\u escape in string");
            }
            v = (v << 4) | d;
        }
        pos += 4;
        return (char) v;
    }

    private static int hexValue(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    private Object readNumber() {
        int start = pos;
        boolean integral = true;
        if (peek() == '-') pos++;
        if (peek() == '0') {
            pos++;
        } else if (isDigit(peek())) {
            skipDigits();
        } else {
            throw error("invalid number: expected a digit, found " + describe(pos));
        }
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!isDigit(peek())) throw error("invalid number: expected a digit after '.', found " + describe(pos));
            skipDigits();
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') pos++;
            if (!isDigit(peek())) throw error("invalid number: expected a digit in exponent, found " + describe(pos));
            skipDigits();
        }
        if (pos - start > MAX_NUMBER_CHARS) {
            pos = start;
            throw error("number longer than " + MAX_NUMBER_CHARS + " characters");
        }
        String token = text.substring(start, pos);
        if (integral) {
            try {
                return Long.parseLong(token);
            } catch (NumberFormatException ex) {
                pos = start;
                throw error("integer " + abbreviate(token) + " does not fit in 64 bits");
            }
        }
        double d = Double.parseDouble(token);
        if (Double.isInfinite(d)) {
            pos = start;
            throw error("number " + abbreviate(token) + " overflows a double");
        }
        return d;
    }

    private Object readLiteral(String word, Object value) {
        if (!text.startsWith(word, pos)) throw error("unexpected " + describe(pos) + ", expected a value");
        pos += word.length();
        return value;
    }

    private void skipDigits() {
        while (isDigit(peek())) pos++;
    }

    private static boolean isDigit(char c) { return c >= '0' && c <= '9'; }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') return;
            pos++;
        }
    }

    /** The character at the cursor, or NUL at the end of the input (never valid where peeked). */
    private char peek() { return pos < text.length() ? text.charAt(pos) : '\0'; }

    private void expect(char c) {
        if (peek() != c) throw error("expected '" + c + "', found " + describe(pos));
        pos++;
    }

    private void checkDepth(int depth) {
        if (depth > MAX_DEPTH) throw error("nesting deeper than " + MAX_DEPTH + " levels");
    }

    private String describe(int at) {
        if (at >= text.length()) return "end of input";
        return "'" + printable(text.charAt(at)) + "'";
    }

    private static String printable(char c) {
        return c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    private IllegalArgumentException error(String what) {
        return new IllegalArgumentException(what + " at offset " + pos);
    }

    // ---------------------------------------------------------------- writing

    /**
     * Writes a value as compact JSON. Accepts {@code Map<String, ?>} (written in iteration
     * order), {@code List<?>}, {@code long[]}, {@code String}, {@code Long}/{@code Integer},
     * finite {@code Double}, {@code Boolean} and {@code null}. Strings must be valid UTF-16 (no
     * unpaired surrogates), since the text is stored as UTF-8.
     */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        writeValue(sb, value, 0);
        return sb.toString();
    }

    private static void writeValue(StringBuilder sb, Object value, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("JSON value nested deeper than " + MAX_DEPTH);
        if (value == null) {
            sb.append("null");
        } else if (value instanceof String s) {
            writeString(sb, s);
        } else if (value instanceof Long || value instanceof Integer) {
            sb.append(((Number) value).longValue());
        } else if (value instanceof Double d) {
            if (d.isNaN() || d.isInfinite()) throw new IllegalArgumentException("JSON has no number " + d);
            sb.append(d.doubleValue());
        } else if (value instanceof Boolean b) {
            sb.append(b.booleanValue());
        } else if (value instanceof long[] a) {
            sb.append('[');
            for (int i = 0; i < a.length; i++) {
                if (i > 0) sb.append(',');
                sb.append(a[i]);
            }
            sb.append(']');
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) sb.append(',');
                writeValue(sb, list.get(i), depth + 1);
            }
            sb.append(']');
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, got " + e.getKey());
                }
                if (!first) sb.append(',');
                first = false;
                writeString(sb, key);
                sb.append(':');
                writeValue(sb, e.getValue(), depth + 1);
            }
            sb.append('}');
        } else {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON");
        }
    }

    private static void writeString(StringBuilder sb, String s) {
        checkWellFormed(s);
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                case '\b': sb.append("\\b"); break;
                case '\f': sb.append("\\f"); break;
                default:
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
            }
        }
        sb.append('"');
    }

    /** Throws when {@code s} has an unpaired surrogate, which has no UTF-8 encoding. */
    static void checkWellFormed(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException("string \"" + abbreviate(s)
                        + "\" has an unpaired surrogate at index " + i + " and cannot be stored as UTF-8");
            }
        }
    }
}
