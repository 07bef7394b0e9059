package org.taama.bench;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A server in a JVM of its own ({@code org.taama.Main serve}, this jar), on loopback: the node a fault
 * benchmark kills with SIGKILL, which an in-process server could not survive.
 */
final class ChildNode implements AutoCloseable {
    final int port;
    private final Process process;
    private final Path log;

    private ChildNode(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Started with {@code env} (PORT and HTTP_HOST set here) and answering /health. */
    static ChildNode start(Map<String, String> env) throws Exception {
        int port = freePort();
        Path log = Files.createTempFile("taama-fault-node", ".log");
        ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "org.taama.Main", "serve");
        pb.environment().putAll(env);
        pb.environment().put("PORT", Integer.toString(port));
        pb.environment().put("HTTP_HOST", "127.0.0.1");
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        ChildNode node = new ChildNode(port, pb.start(), log);
        Runtime.getRuntime().addShutdownHook(new Thread(node.process::destroyForcibly));
        node.awaitHealth(Duration.ofSeconds(90));
        return node;
    }

    /** SIGKILL (no shutdown hook, requests in flight cut), and waits until it is gone. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(10, TimeUnit.SECONDS)) throw new IllegalStateException("the child node outlived SIGKILL");
    }

    /** The node said it is listening: after its admin account and its campaign sender. */
    boolean started() throws Exception {
        return Files.readString(log).contains("Taama listening on port");
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private void awaitHealth(Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) throw new IllegalStateException("the child node exited; its log: " + log);
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200 && started()) return;
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the child node did not answer /health in " + timeout + "; its log: " + log);
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(System.getProperty("java.home") + File.separator + "bin" + File.separator + "java");
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
