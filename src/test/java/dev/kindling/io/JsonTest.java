package dev.kindling.io;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict JSON reader and writer: accepted values, every rejection, and round trips. */
class JsonTest {

    @Test
    void parsesAllValueKindsKeepingKeyOrder() {
        Object v = Json.parse(" {\"z\": [1, -2, 0, 3.5, -1e3, 2E-2, true, false, null, \"s\"], \"a\": {}, \"m\": []}\n\t\r ");
        Map<?, ?> map = (Map<?, ?>) v;
        assertEquals(List.of("z", "a", "m"), new ArrayList<>(map.keySet()));
        List<?> z = (List<?>) map.get("z");
        assertEquals(1L, z.get(0));
        assertEquals(-2L, z.get(1));
        assertEquals(0L, z.get(2));
        assertEquals(3.5, z.get(3));
        assertEquals(-1000.0, z.get(4));
        assertEquals(0.02, z.get(5));
        assertEquals(Boolean.TRUE, z.get(6));
        assertEquals(Boolean.FALSE, z.get(7));
        assertNull(z.get(8));
        assertEquals("s", z.get(9));
        assertEquals(Map.of(), map.get("a"));
        assertEquals(List.of(), map.get("m"));
    }

    @Test
    void parsesLongExtremesAndEscapes() {
        assertEquals(Long.MAX_VALUE, Json.parse("9223372036854775807"));
        assertEquals(Long.MIN_VALUE, Json.parse("-9223372036854775808"));
        assertEquals("a\"b\\c/d\be\ff\ng\rh\ti\u00e9\u20ac\ud83d\ude00",
                Json.parse("\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\\u00E9\\u20ac\\ud83d\\uDE00\""));
        assertEquals("caf\u00e9 \ud83d\ude00", Json.parse("\"caf\u00e9 \ud83d\ude00\""), "raw non-ASCII text");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "{}x                      | unexpected 'x' after the end of the JSON value at offset 2",
        "{} {}                    | unexpected '{' after the end of the JSON value at offset 3",
        "``                       | unexpected end of input, expected a value at offset 0",
        "{\"a\":1,\"a\":2}        | duplicate key \"a\" at offset 7",
        "\"\\x\"                  | invalid escape '\\x' in string at offset 1",
        "\"\\u12G4\"              | invalid \\u escape in string at offset 1",
        "\"\\u12\"                | incomplete \\u escape in string at offset 1",
        "\"\\ud800\"              | unpaired surrogate escape in string at offset 1",
        "\"\\udc00\"              | unpaired surrogate escape in string at offset 1",
        "\"\\ud800\\u0041\"       | unpaired surrogate escape in string at offset 1",
        "\"abc                    | unterminated string at offset 0",
        "9223372036854775808      | integer 9223372036854775808 does not fit in 64 bits at offset 0",
        "-9223372036854775809     | integer -9223372036854775809 does not fit in 64 bits at offset 0",
        "1e400                    | number 1e400 overflows a double at offset 0",
        "01                       | unexpected '1' after the end of the JSON value at offset 1",
        "1.                       | invalid number: expected a digit after '.', found end of input at offset 2",
        ".5                       | unexpected '.', expected a value at offset 0",
        "+1                       | unexpected '+', expected a value at offset 0",
        "-                        | invalid number: expected a digit, found end of input at offset 1",
        "1e                       | invalid number: expected a digit in exponent, found end of input at offset 2",
        "tru                      | unexpected 't', expected a value at offset 0",
        "[1,]                     | unexpected ']', expected a value at offset 3",
        "[1 2]                    | expected ',' or ']' in array, found '2' at offset 3",
        "{\"a\" 1}                | expected ':', found '1' at offset 5",
        "{\"a\":1,}               | expected a string key, found '}' at offset 7",
        "{1:2}                    | expected a string key, found '1' at offset 1",
        "NaN                      | unexpected 'N', expected a value at offset 0",
    })
    void rejectsMalformedText(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Json.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void rejectsRawControlCharactersAndOverlongNumbers() {
        IllegalArgumentException ctl = assertThrows(IllegalArgumentException.class, () -> Json.parse("\"a\nb\""));
        assertEquals("raw control character '\\u000a' in string at offset 2", ctl.getMessage());
        String digits = "1".repeat(Json.MAX_NUMBER_CHARS - 2);
        assertEquals(Double.parseDouble("0." + digits), Json.parse("0." + digits));
        IllegalArgumentException longer = assertThrows(IllegalArgumentException.class, () -> Json.parse("0." + digits + "1"));
        assertEquals("number longer than " + Json.MAX_NUMBER_CHARS + " characters at offset 0", longer.getMessage());
    }

    @Test
    void limitsNestingDepth() {
        int max = Json.MAX_DEPTH;
        Object deepest = Json.parse("[".repeat(max) + "]".repeat(max));
        int depth = 0;
        for (Object o = deepest; o instanceof List<?> l; o = l.isEmpty() ? null : l.get(0)) depth++;
        assertEquals(max, depth);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Json.parse("[".repeat(max + 1) + "]".repeat(max + 1)));
        assertEquals("nesting deeper than " + max + " levels at offset " + max, e.getMessage());
        // a hostile depth far beyond the stack is rejected just as cleanly
        assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\":".repeat(1_000_000)));
    }

    @Test
    void writesCompactJsonThatParsesBack() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", "q\"\\\n\t\u0001\u00e9\ud83d\ude00");
        m.put("a", new long[]{0, -1, Long.MAX_VALUE});
        m.put("l", Arrays.asList(1, 2L, true, null, 0.5, List.of()));
        m.put("o", Map.of());
        String text = Json.write(m);
        assertEquals("{\"b\":\"q\\\"\\\\\\n\\t\\u0001\u00e9\ud83d\ude00\",\"a\":[0,-1,9223372036854775807],"
                + "\"l\":[1,2,true,null,0.5,[]],\"o\":{}}", text);
        Map<?, ?> back = (Map<?, ?>) Json.parse(text);
        assertEquals(m.get("b"), back.get("b"));
        assertEquals(List.of(0L, -1L, Long.MAX_VALUE), back.get("a"));
        assertEquals(Arrays.asList(1L, 2L, true, null, 0.5, List.of()), back.get("l"));
    }

    @Test
    void writerRejectsWhatJsonCannotHold() {
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> Json.write("a\ud800b"));
        assertTrue(s.getMessage().contains("unpaired surrogate at index 1"), s.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Json.write(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Json.write(new Object()));
        assertThrows(IllegalArgumentException.class, () -> Json.write(Map.of(1, 2)));
    }
}
