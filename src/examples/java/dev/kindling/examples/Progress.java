package dev.kindling.examples;

import java.util.Locale;

/**
 * A per-epoch progress bar: batches done, batches per second, running loss and the time left.
 * On a terminal it redraws one line; when output goes to a file or a pipe it prints a plain line
 * every tenth of the epoch instead.
 */
final class Progress {
    private static final int WIDTH = 30;
    private final String label;
    private final int total;
    private final boolean terminal = System.console() != null;
    private final long start = System.nanoTime();
    private int done;
    private long lastDraw;
    private double loss;

    Progress(String label, int total) {
        this.label = label;
        this.total = Math.max(total, 1);
    }

    void step(double runningLoss) {
        done++;
        loss = runningLoss;
        long now = System.nanoTime();
        if (terminal) {
            if (now - lastDraw > 100_000_000L || done == total) {
                lastDraw = now;
                System.out.print("\r" + line(now));
                System.out.flush();
            }
        } else if (done % Math.max(1, total / 10) == 0 || done == total) {
            System.out.println(line(now));
        }
    }

    void done() {
        if (terminal) System.out.println();
    }

    private String line(long now) {
        double secs = (now - start) / 1e9;
        double rate = done / Math.max(secs, 1e-9);
        double eta = (total - done) / Math.max(rate, 1e-9);
        int filled = (int) ((long) WIDTH * done / total);
        String bar = "=".repeat(filled) + (filled < WIDTH ? ">" : "") + " ".repeat(Math.max(0, WIDTH - filled - 1));
        return String.format(Locale.ROOT, "%s [%s] %d/%d  %.1f batches/s  loss %.4f  ETA %s",
                label, bar, done, total, rate, loss, clock(eta));
    }

    private static String clock(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
