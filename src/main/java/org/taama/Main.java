package org.taama;

import org.taama.config.Config;
import org.taama.lint.Lint;
import org.taama.server.Server;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code java -jar taama.jar}            serve (embedded Redis unless REDIS_URL is set)
 * {@code java -jar taama.jar lint}       check flows and texts, exit 1 on an error
 * {@code java -jar taama.jar bench ...}  the load benchmark (see README)
 * {@code java -jar taama.jar --help}     this list, exit 0
 */
public final class Main {
    static final String USAGE = """
            usage: java -jar taama.jar [serve|lint|bench|--help]
              serve   start the server (the default); settings come from environment variables, see README.md
              lint    check flows/ and locales/, exit 1 on an error
              review  review export [--lang bm] > review.csv: every Bambara text for a translator's spreadsheet;
                      review import review.csv --reviewer NAME: the corrected, signed-off texts back into locales/
              bench   the load benchmark (see README.md)
              --help  this text
            """;

    /** What {@link #run} returns when the server is up and the JVM must stay alive. */
    static final int KEEP_RUNNING = -1;

    private Main() {}

    public static void main(String[] args) throws Exception {
        int code = run(args, System.getenv(), System.out, System.err);
        if (code != KEEP_RUNNING) System.exit(code);
    }

    /** The command line, without exiting: the exit code, or {@link #KEEP_RUNNING} once serving. */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) throws Exception {
        String command = args.length == 0 ? "serve" : args[0];
        switch (command) {
            case "serve":
                return serve(env, err);
            case "lint": {
                Config c = Config.from(env);
                return Lint.run(c.flowsDir(), c.localesDir(), Server.ussdSpelling(c), Server.textValues(c));
            }
            case "review": {
                Config c = Config.from(env);
                return org.taama.review.Review.run(Arrays.copyOfRange(args, 1, args.length), c.localesDir(), c.flowsDir(),
                        Server.ussdSpelling(c), out, err);
            }
            case "bench":
                org.taama.bench.Benchmark.main(Arrays.copyOfRange(args, 1, args.length));
                return KEEP_RUNNING;
            case "--help", "-h", "help":
                out.print(USAGE);
                return 0;
            default:
                err.println("unknown command: " + command);
                err.print(USAGE);
                return 2;
        }
    }

    private static int serve(Map<String, String> env, PrintStream err) {
        try {
            Server server = Server.start(Config.from(env));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
                } catch (Exception ignored) {
                    // the JVM is going down anyway
                }
            }));
            return KEEP_RUNNING;
        } catch (Exception e) {
            err.println("Taama could not start: " + e.getMessage());
            return 1;
        }
    }
}
