package graphcrm.neo4jdev;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

import sun.misc.Signal;

/**
 * Dev/test launcher: embedded Neo4j (community) with the Bolt connector on 127.0.0.1.
 *
 * <p>Prints exactly one line to stdout when ready: {@code NEO4J_READY bolt://127.0.0.1:<port>}.
 * Everything else (including anything Neo4j or its libraries print) goes to stderr.
 * Exits 0 after a clean shutdown on SIGTERM/SIGINT (or stdin EOF with --exit-on-stdin-eof).
 */
public final class Neo4jDev {

    private static final String HOST = "127.0.0.1";

    private Neo4jDev() {}

    private static final class Options {
        int port = 0;
        Path data;
        String password;
        String pageCache = "64m";
        boolean exitOnStdinEof;
        boolean warmup;
        final java.util.Map<String, String> config = new java.util.LinkedHashMap<>();
        final java.util.Map<Setting<?>, Object> settings = new java.util.LinkedHashMap<>();
    }

    public static void main(String[] args) {
        // Reserve the real stdout for the READY line; anything else that writes to
        // System.out (Neo4j, log4j, netty ...) is redirected to stderr.
        PrintStream stdout = System.out;
        System.setOut(System.err);

        Options opts;
        try {
            opts = parseArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("neo4j-dev: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
            return;
        }

        Path home;
        boolean ownsHome;
        try {
            if (opts.data != null) {
                home = opts.data.toAbsolutePath().normalize();
                Files.createDirectories(home);
                ownsHome = false;
            } else {
                home = Files.createTempDirectory("neo4j-dev-");
                ownsHome = true;
            }
        } catch (IOException e) {
            System.err.println("neo4j-dev: cannot create data dir: " + e);
            System.exit(1);
            return;
        }

        Runner runner = new Runner(home, ownsHome);
        // Fallback for any other JVM exit path (System.exit elsewhere, SIGHUP, ...).
        Runtime.getRuntime().addShutdownHook(new Thread(runner::stop, "neo4j-dev-shutdown-hook"));

        CountDownLatch stopRequested = new CountDownLatch(1);
        // Handle SIGTERM/SIGINT ourselves so that a clean stop exits with status 0
        // (the JVM's default handling exits 143/130).
        for (String sig : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(sig), s -> stopRequested.countDown());
            } catch (IllegalArgumentException e) {
                System.err.println("neo4j-dev: cannot handle SIG" + sig + ": " + e.getMessage());
            }
        }

        String boltUri = null;
        // With --port 0 we pick a free loopback port first (so listen and advertised
        // addresses agree); retry a couple of times in case another process grabs it.
        int attempts = opts.port == 0 ? 3 : 1;
        for (int attempt = 1; boltUri == null; attempt++) {
            int port = opts.port != 0 ? opts.port : freePort();
            try {
                boltUri = runner.start(opts, port);
            } catch (Throwable t) {
                runner.shutdownDbms();
                if (attempt < attempts && stopRequested.getCount() > 0) {
                    System.err.println("neo4j-dev: start on port " + port + " failed (" + t + "), retrying");
                    continue;
                }
                System.err.println("neo4j-dev: failed to start Neo4j: " + t);
                t.printStackTrace(System.err);
                runner.stop();
                System.exit(1);
                return;
            }
        }

        if (opts.warmup) {
            // Used by ./run to record a class-data-sharing archive: touch the code paths a
            // test suite uses (Bolt, auth, schema, MERGE, EXPLAIN), then exit without READY.
            int rc = 0;
            try {
                warmup(boltUri, opts.password);
            } catch (Throwable t) {
                System.err.println("neo4j-dev: warmup failed: " + t);
                rc = 1;
            }
            boolean ok = runner.stop();
            System.exit(ok ? rc : 1);
        }

        stdout.println("NEO4J_READY " + boltUri);
        stdout.flush();

        if (opts.exitOnStdinEof) {
            Thread watcher = new Thread(() -> {
                try {
                    InputStream in = System.in;
                    byte[] buf = new byte[256];
                    while (in.read(buf) >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // treat as EOF
                }
                System.err.println("neo4j-dev: stdin closed, shutting down");
                stopRequested.countDown();
            }, "neo4j-dev-stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }

        try {
            stopRequested.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        boolean ok = runner.stop();
        System.exit(ok ? 0 : 1);
    }

    private static final class Runner {
        private final Path home;
        private final boolean ownsHome;
        private final AtomicBoolean stopped = new AtomicBoolean(false);
        private volatile DatabaseManagementService dbms;

        Runner(Path home, boolean ownsHome) {
            this.home = home;
            this.ownsHome = ownsHome;
        }

        String start(Options opts, int port) {
            boolean auth = opts.password != null;
            DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
                    .setConfig(BoltConnector.enabled, true)
                    .setConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.advertised_address, new SocketAddress(HOST, port))
                    .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                    .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                    .setConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                    .setConfig(GraphDatabaseSettings.pagecache_memory, parseBytes(opts.pageCache))
                    .setConfig(GraphDatabaseSettings.udc_enabled, false)
                    .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                    .setConfig(GraphDatabaseSettings.preallocate_store_files, false)
                    .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, 1L << 20)
                    .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                    .setConfig(GraphDatabaseSettings.pagecache_warmup_enabled, false)
                    .setConfig(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(2))
                    // Netty's graceful shutdown defaults to a 2s quiet period per event loop
                    // group (boss + worker), which made SIGTERM take ~10s. Make it immediate.
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                    .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2));
            // --config KEY=VALUE settings (neo4j.conf names) come last, so they win.
            builder.setConfig(opts.settings);
            dbms = builder.build();
            GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);

            if (auth) {
                // Embedded transactions run with full access, so the system DB can be
                // used to set the password; CHANGE NOT REQUIRED avoids the forced
                // password change on first login.
                GraphDatabaseService system = dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
                system.executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED",
                        java.util.Map.of("pw", opts.password));
            }

            HostnamePort bound = ((GraphDatabaseAPI) db)
                    .getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT);
            if (bound == null || bound.getPort() != port) {
                throw new IllegalStateException("Bolt connector did not bind 127.0.0.1:" + port + " (got " + bound + ")");
            }
            return "bolt://" + HOST + ":" + port;
        }

        /** Shut down a (possibly half-started) DBMS, keeping the data dir; used before a retry. */
        void shutdownDbms() {
            DatabaseManagementService d = dbms;
            dbms = null;
            if (d != null) {
                try {
                    d.shutdown();
                } catch (Throwable t) {
                    System.err.println("neo4j-dev: error during shutdown: " + t);
                }
            }
        }

        /** Idempotent; returns false if shutdown raised an error. */
        boolean stop() {
            if (!stopped.compareAndSet(false, true)) {
                return true;
            }
            boolean ok = true;
            DatabaseManagementService d = dbms;
            if (d != null) {
                try {
                    d.shutdown();
                } catch (Throwable t) {
                    ok = false;
                    System.err.println("neo4j-dev: error during shutdown: " + t);
                }
            }
            if (ownsHome) {
                try {
                    deleteRecursively(home);
                } catch (IOException e) {
                    System.err.println("neo4j-dev: could not delete " + home + ": " + e);
                }
            }
            return ok;
        }
    }

    private static void warmup(String uri, String password) {
        org.neo4j.driver.AuthToken token = password == null
                ? org.neo4j.driver.AuthTokens.none()
                : org.neo4j.driver.AuthTokens.basic("neo4j", password);
        try (org.neo4j.driver.Driver driver = org.neo4j.driver.GraphDatabase.driver(uri, token);
                org.neo4j.driver.Session session = driver.session()) {
            session.run("RETURN 1").consume();
            session.run("CREATE CONSTRAINT warm_id IF NOT EXISTS FOR (n:Warm) REQUIRE n.id IS UNIQUE").consume();
            session.run("SHOW CONSTRAINTS").list();
            session.run("UNWIND $rows AS r MERGE (n:Warm {id: r.id}) SET n += r",
                            java.util.Map.of("rows", java.util.List.of(
                                    java.util.Map.of("id", "a", "v", 1), java.util.Map.of("id", "b", "v", 2))))
                    .consume();
            session.executeWrite(tx -> {
                tx.run("EXPLAIN MATCH (n:Warm {id: $id}) RETURN n", java.util.Map.of("id", "a")).consume();
                tx.run("MATCH (a:Warm {id: 'a'}), (b:Warm {id: 'b'}) MERGE (a)-[r:REL]->(b) RETURN r").consume();
                return null;
            });
            session.run("MATCH (n:Warm) OPTIONAL MATCH (n)-[r]->(m) RETURN n.id, count(r) ORDER BY n.id").list();
            session.run("MATCH (n:Warm) DETACH DELETE n").consume();
            session.run("DROP CONSTRAINT warm_id IF EXISTS").consume();
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("cannot find a free port on " + HOST, e);
        }
    }

    private static Options parseArgs(String[] args) {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String val = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                val = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "--port":
                    val = val != null ? val : next(args, ++i, a);
                    try {
                        o.port = Integer.parseInt(val);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port expects a number, got '" + val + "'");
                    }
                    if (o.port < 0 || o.port > 65535) {
                        throw new IllegalArgumentException("--port out of range: " + o.port);
                    }
                    break;
                case "--data":
                    o.data = Paths.get(val != null ? val : next(args, ++i, a));
                    break;
                case "--password":
                    o.password = val != null ? val : next(args, ++i, a);
                    if (o.password.isEmpty()) {
                        throw new IllegalArgumentException("--password must not be empty");
                    }
                    break;
                case "--pagecache":
                    o.pageCache = val != null ? val : next(args, ++i, a);
                    parseBytes(o.pageCache);
                    break;
                case "--config": {
                    String kv = val != null ? val : next(args, ++i, a);
                    int sep = kv.indexOf('=');
                    if (sep <= 0) {
                        throw new IllegalArgumentException("--config expects KEY=VALUE, got '" + kv + "'");
                    }
                    o.config.put(kv.substring(0, sep).trim(), kv.substring(sep + 1).trim());
                    break;
                }
                case "--warmup":
                    o.warmup = true;
                    break;
                case "--exit-on-stdin-eof":
                    o.exitOnStdinEof = true;
                    break;
                case "-h":
                case "--help":
                    System.err.println(usage());
                    System.exit(0);
                    break;
                default:
                    throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (!o.config.isEmpty()) {
            // Parsed and validated by Neo4j's own Config, then kept by their typed Setting.
            Config parsed;
            try {
                parsed = Config.newBuilder().setRaw(o.config).build();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("--config: " + e.getMessage());
            }
            java.util.Map<String, Setting<Object>> declared = parsed.getDeclaredSettings();
            for (String name : o.config.keySet()) {
                Setting<Object> setting = declared.get(name);
                if (setting == null) {
                    throw new IllegalArgumentException("--config: unknown Neo4j setting " + name);
                }
                o.settings.put(setting, parsed.get(setting));
            }
        }
        return o;
    }

    private static String next(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static long parseBytes(String s) {
        String t = s.trim().toLowerCase();
        long mult = 1;
        if (t.endsWith("k")) {
            mult = 1L << 10;
        } else if (t.endsWith("m")) {
            mult = 1L << 20;
        } else if (t.endsWith("g")) {
            mult = 1L << 30;
        }
        if (mult != 1) {
            t = t.substring(0, t.length() - 1);
        }
        try {
            return Long.parseLong(t) * mult;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad size '" + s + "' (use e.g. 64m)");
        }
    }

    private static String usage() {
        return "usage: Neo4jDev [--port N] [--data DIR] [--password PW] [--pagecache SIZE] [--config KEY=VALUE]... [--exit-on-stdin-eof]\n"
                + "  --port N             Bolt port on 127.0.0.1 (0 or absent: pick a free port)\n"
                + "  --data DIR           Neo4j home/data dir (kept); default: fresh temp dir, deleted on exit\n"
                + "  --password PW        enable auth; user 'neo4j' gets password PW\n"
                + "  --pagecache SIZE     page cache size (default 64m)\n"
                + "  --config KEY=VALUE   any neo4j.conf setting (repeatable; wins over the defaults)\n"
                + "  --exit-on-stdin-eof  shut down cleanly when stdin is closed\n"
                + "prints 'NEO4J_READY bolt://127.0.0.1:<port>' on stdout when ready";
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
