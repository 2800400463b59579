package dev.litefs.benchmarks;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.sqlite.SQLiteConfig;

/**
 * The sample app's replica read, {@code SELECT} of one post by id, on one sqlite-jdbc
 * connection, as the SQLite settings the starter could default to vary: a micro-benchmark
 * of SQLite on whatever file system holds {@code database} (a real LiteFS mount's, or a
 * plain folder's to compare with). Each read is its own transaction, as a request's is.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SqliteReadBenchmark {

	/** The database file to read. */
	@Param("")
	public String database;

	/** SQLite's page cache, {@code PRAGMA cache_size} (negative: KiB). */
	@Param({ "-2000", "-16000" })
	public int cacheSize;

	/** {@code PRAGMA mmap_size} in bytes: 0 reads with {@code pread}. */
	@Param({ "0", "268435456" })
	public long mmapSize;

	/** Whether the connection is opened read-only, as a replica could. */
	@Param({ "false", "true" })
	public boolean readOnly;

	private Connection connection;

	private PreparedStatement select;

	@Setup(Level.Trial)
	public void open() throws SQLException {
		SQLiteConfig config = new SQLiteConfig();
		config.setCacheSize(this.cacheSize);
		config.setReadOnly(this.readOnly);
		config.setBusyTimeout(5000);
		Properties properties = config.toProperties();
		properties.setProperty("mmap_size", Long.toString(this.mmapSize));
		this.connection = new org.sqlite.JDBC().connect("jdbc:sqlite:" + this.database, properties);
		this.select = this.connection.prepareStatement("SELECT id, title, body, created_at, hostname FROM posts WHERE id = ?");
	}

	@TearDown(Level.Trial)
	public void close() throws SQLException {
		this.connection.close();
	}

	@Benchmark
	public String readOnePost() throws SQLException {
		this.select.setLong(1, 1);
		try (ResultSet row = this.select.executeQuery()) {
			return row.next() ? row.getString(2) : null;
		}
	}

}
