package dev.litefs.benchmarks;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The child JVM of part 6 that plays the primary's application: its own process, as in
 * a cluster (SQLite's locks are per process, so writing to both nodes' databases from
 * one JVM is not what a cluster does). On {@code start <pause ms>} it inserts one row
 * after another into {@code writes}, pausing that long between inserts, until
 * {@code stop}, then prints each insert as
 * {@code w <start> <end>} ({@link System#nanoTime()}, the same clock as its parent's on
 * Linux) and {@code done}; {@code exit} ends it.
 * <pre>
 * java -cp ... dev.litefs.benchmarks.PrimaryWriter &lt;database file&gt;
 * </pre>
 */
public final class PrimaryWriter {

	private PrimaryWriter() {
	}

	public static void main(String[] args) throws Exception {
		PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + args[0]);
				BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII))) {
			try (Statement statement = connection.createStatement()) {
				statement.execute("pragma busy_timeout = 10000");
			}
			out.println("ready");
			for (String command = commands.readLine(); command != null && !command.equals("exit"); command = commands
				.readLine()) {
				long pause = Long.parseLong(command.split(" ")[1]);
				AtomicBoolean writing = new AtomicBoolean(true);
				List<long[]> writes = new ArrayList<>();
				SQLException[] failure = new SQLException[1];
				Thread writer = new Thread(() -> {
					try (Statement statement = connection.createStatement()) {
						while (writing.get()) {
							long start = System.nanoTime();
							statement.executeUpdate("insert into writes (node) values ('node-a')");
							writes.add(new long[] { start, System.nanoTime() });
							Thread.sleep(pause);
						}
					}
					catch (SQLException ex) {
						failure[0] = ex;
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				});
				writer.start();
				commands.readLine();
				writing.set(false);
				writer.join();
				if (failure[0] != null) {
					out.println("failed " + failure[0].getMessage().replace('\n', ' '));
				}
				for (long[] write : writes) {
					out.println("w " + write[0] + " " + write[1]);
				}
				out.println("done");
			}
		}
	}

}
