package org.taama;

import org.taama.config.Config;
import org.taama.lint.Lint;
import org.taama.server.Server;

/**
 * {@code java -jar taama.jar}            serve (embedded Redis unless REDIS_URL is set)
 * {@code java -jar taama.jar lint}       check flows and texts, exit 1 on an error
 * {@code java -jar taama.jar bench ...}  the load benchmark (see README)
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "serve" : args[0];
        switch (command) {
            case "serve" -> serve();
            case "lint" -> {
                Config c = Config.fromEnv();
                System.exit(Lint.run(c.flowsDir(), c.localesDir(), Server.ussdSpelling(c)));
            }
            case "bench" -> org.taama.bench.Benchmark.main(java.util.Arrays.copyOfRange(args, 1, args.length));
            default -> {
                System.err.println("usage: java -jar taama.jar [serve|lint|bench]");
                System.exit(2);
            }
        }
    }

    private static void serve() {
        try {
            Server server = Server.start(Config.fromEnv());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception ignored) {
                    // the JVM is going down anyway
                }
            }));
        } catch (Exception e) {
            System.err.println("Taama could not start: " + e.getMessage());
            System.exit(1);
        }
    }
}
