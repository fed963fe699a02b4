package dev.kindling.examples;

/** The main job: {@code mvn -q compile exec:java}. */
public final class Main {
    public static void main(String[] args) {
        System.out.println("Kindling: threads=" + dev.kindling.backend.cpu.Parallel.numThreads());
    }
}
