package dev.kindling.examples;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Draws the training curves as a PNG with Java2D (headless): the loss per batch (smoothed) on the
 * left axis and the test accuracy after each epoch on the right.
 */
final class Chart {
    private Chart() {}

    private static final int W = 900, H = 500, PAD = 60;

    static void write(Path file, List<Double> losses, List<Double> accuracies, int batchesPerEpoch) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.DARK_GRAY);
        g.drawRect(PAD, PAD / 2, W - 2 * PAD, H - PAD - PAD / 2);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("training loss (smoothed) and test accuracy per epoch", PAD, PAD / 2 - 8);

        double[] smooth = smooth(losses, Math.max(1, batchesPerEpoch / 20));
        double maxLoss = 0;
        for (double l : smooth) maxLoss = Math.max(maxLoss, l);
        if (maxLoss == 0) maxLoss = 1;
        int n = smooth.length;
        g.setStroke(new BasicStroke(1.5f));
        g.setColor(new Color(0x1f77b4));
        for (int i = 1; i < n; i++) {
            g.drawLine(x(i - 1, n), y(smooth[i - 1] / maxLoss), x(i, n), y(smooth[i] / maxLoss));
        }
        g.drawString(String.format(Locale.ROOT, "loss (max %.3f)", maxLoss), PAD + 5, PAD / 2 + 16);

        g.setColor(new Color(0xd62728));
        int epochs = accuracies.size();
        for (int e = 0; e < epochs; e++) {
            int px = x((e + 1) * batchesPerEpoch - 1, Math.max(n, 1)), py = y(accuracies.get(e));
            g.fillOval(px - 4, py - 4, 8, 8);
            g.drawString(String.format(Locale.ROOT, "%.1f%%", 100 * accuracies.get(e)), px - 40, py - 8);
            if (e > 0) {
                g.drawLine(x(e * batchesPerEpoch - 1, n), y(accuracies.get(e - 1)), px, py);
            }
        }
        g.drawString("test accuracy (right axis, 0-100%)", W - PAD - 230, PAD / 2 + 16);
        g.setColor(Color.DARK_GRAY);
        g.drawString("batches", W / 2 - 20, H - 15);
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static double[] smooth(List<Double> v, int window) {
        double[] out = new double[v.size()];
        double sum = 0;
        for (int i = 0; i < v.size(); i++) {
            sum += v.get(i);
            if (i >= window) sum -= v.get(i - window);
            out[i] = sum / Math.min(i + 1, window);
        }
        return out;
    }

    private static int x(int i, int n) {
        return PAD + (int) ((long) (W - 2 * PAD) * i / Math.max(1, n - 1));
    }

    private static int y(double fraction) {
        return H - PAD - (int) ((H - PAD - PAD / 2) * Math.max(0, Math.min(1, fraction)));
    }
}
