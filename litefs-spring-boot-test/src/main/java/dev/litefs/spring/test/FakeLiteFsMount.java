package dev.litefs.spring.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A directory that holds the files a LiteFS FUSE mount serves, byte for byte, so that
 * tests can play primary, replica, replication and fail-over without LiteFS, for the main
 * database ({@code litefs.database}) and for any other database on the mount (the methods
 * that take a database name).
 * <p>
 * Every write replaces the file atomically, so a reader never sees half of it:
 * <pre class="code">
 * FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(tempDir, "node-a").txid(5);
 * // ... a request waits for TXID 7 ...
 * mount.txid(7);
 * </pre>
 *
 * @since 0.2.0
 */
public final class FakeLiteFsMount {

	/** The default database name, as in {@code litefs.database}. */
	public static final String DEFAULT_DATABASE = "app.db";

	/** Dot-separated labels of letters, digits and inner hyphens. */
	private static final Pattern HOSTNAME = Pattern
		.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

	/** The file LiteFS serves on replicas only, holding the primary's hostname. */
	public static final String PRIMARY_FILE = ".primary";

	/** The file holding the replication lag in milliseconds. */
	public static final String LAG_FILE = ".lag";

	/** The lag LiteFS reports on a replica that has not finished its first sync. */
	public static final Duration NEVER_SYNCED_LAG = Duration.ofMillis(Integer.MAX_VALUE);

	private final Path dir;

	private final String database;

	private FakeLiteFsMount(Path dir, String database) {
		this.dir = dir;
		this.database = database;
		try {
			Files.createDirectories(dir);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A mount in which this node is the primary: no {@code .primary}, a lag of zero,
	 * TXID 1.
	 * @param dir the directory to use
	 * @return the mount
	 */
	public static FakeLiteFsMount primary(Path dir) {
		return new FakeLiteFsMount(dir, DEFAULT_DATABASE).becomePrimary().txid(1);
	}

	/**
	 * A mount in which this node is a synced replica of another: {@code .primary}
	 * names it, a lag of zero, TXID 1, and no database file yet (as before the database
	 * first replicated; {@link #txid(long)} brings it).
	 * @param dir the directory to use
	 * @param primary the primary's hostname
	 * @return the mount
	 */
	public static FakeLiteFsMount replicaOf(Path dir, String primary) {
		FakeLiteFsMount mount = new FakeLiteFsMount(dir, DEFAULT_DATABASE).becomeReplicaOf(primary).lag(Duration.ZERO);
		return mount.write(mount.database + "-pos", positionLine(1, checksumOf(1)));
	}

	/**
	 * The same mount for another database name (for {@code litefs.database}).
	 * @param database the database file name
	 * @return a mount of the same directory for that database
	 */
	public FakeLiteFsMount withDatabase(String database) {
		return new FakeLiteFsMount(this.dir, database);
	}

	/**
	 * Makes this node the primary: removes {@code .primary}, sets the lag to zero.
	 * @return this mount
	 */
	public FakeLiteFsMount becomePrimary() {
		delete(PRIMARY_FILE);
		return lag(Duration.ZERO);
	}

	/**
	 * Makes this node a replica of another: writes its hostname to {@code .primary} as
	 * LiteFS does, {@code hostname\n}, in one step (a reader never sees half of it).
	 * @param primary the primary's hostname: RFC 1123 labels or an IPv4 address, as the
	 * starter accepts; write a malformed or partial one with {@link #write(String, String)}
	 * @return this mount
	 * @throws IllegalArgumentException if the hostname is not one the starter accepts
	 */
	public FakeLiteFsMount becomeReplicaOf(String primary) {
		if (!HOSTNAME.matcher(primary).matches() || primary.length() > 255) {
			throw new IllegalArgumentException("The primary's hostname '" + primary + "' is not made of RFC 1123 "
					+ "labels; write(\".primary\", ...) writes a malformed one");
		}
		return write(PRIMARY_FILE, primary + "\n");
	}

	/**
	 * Makes this node a replica connected to no primary: no {@code .primary}, and the
	 * lag LiteFS shows before the first sync.
	 * @return this mount
	 */
	public FakeLiteFsMount loseConnection() {
		delete(PRIMARY_FILE);
		return neverSynced();
	}

	/**
	 * LiteFS stops, as on a real node: it unmounts, and the directory beneath holds none
	 * of its files ({@code .primary}, {@code .lag}, {@code <db>-pos}). Unlike a real
	 * unmount, the database file stays. Writing the files again (e.g.
	 * {@link #becomeReplicaOf(String)} and {@link #txid(long)}) brings LiteFS back.
	 * @return this mount
	 */
	public FakeLiteFsMount stopLiteFs() {
		delete(PRIMARY_FILE);
		delete(LAG_FILE);
		delete(this.database + "-pos");
		try (Stream<Path> files = Files.list(this.dir)) {
			files.filter((file) -> file.getFileName().toString().endsWith("-pos")).forEach((file) -> {
				try {
					Files.deleteIfExists(file);
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			});
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return this;
	}

	/**
	 * Sets the database's TXID (and a checksum derived from it) in {@code <db>-pos}.
	 * @param txid the transaction ID
	 * @return this mount
	 */
	public FakeLiteFsMount txid(long txid) {
		return position(txid, checksumOf(txid));
	}

	private static String positionLine(long txid, long checksum) {
		return String.format("%016x/%016x\n", txid, checksum);
	}

	/**
	 * Writes a position to {@code <db>-pos} as {@code %016x/%016x\n}. On a replica, the
	 * database file is there too, as LiteFS has it once the database replicated: an empty
	 * one (which SQLite takes for an empty database) if none was written.
	 * @param txid the transaction ID
	 * @param checksum the post-apply checksum
	 * @return this mount
	 */
	public FakeLiteFsMount position(long txid, long checksum) {
		write(this.database + "-pos", positionLine(txid, checksum));
		return withReplicatedFile();
	}

	/** A replica given a position has its database's file, as on LiteFS. */
	private FakeLiteFsMount withReplicatedFile() {
		Path file = this.dir.resolve(this.database);
		if (Files.exists(this.dir.resolve(PRIMARY_FILE)) && !Files.exists(file)) {
			try {
				Files.createFile(file);
			}
			catch (FileAlreadyExistsException ex) {
				// written meanwhile: as good
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return this;
	}

	/**
	 * Sets another database's TXID (and a checksum derived from it) in {@code <db>-pos},
	 * and creates its (empty) database file if it has none: LiteFS serves a database's
	 * file with its position.
	 * @param db the database file name inside the mount
	 * @param txid the transaction ID
	 * @return this mount
	 * @since 0.3.0
	 */
	public FakeLiteFsMount txid(String db, long txid) {
		return position(db, txid, checksumOf(txid));
	}

	/**
	 * Writes another database's position to {@code <db>-pos} as {@code %016x/%016x\n}, and
	 * creates its (empty) database file if it has none.
	 * @param db the database file name inside the mount
	 * @param txid the transaction ID
	 * @param checksum the post-apply checksum
	 * @return this mount
	 * @since 0.3.0
	 */
	public FakeLiteFsMount position(String db, long txid, long checksum) {
		try {
			if (!Files.exists(this.dir.resolve(db))) {
				Files.createFile(this.dir.resolve(db));
			}
		}
		catch (FileAlreadyExistsException ex) {
			// created meanwhile
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return write(db + "-pos", String.format("%016x/%016x\n", txid, checksum));
	}

	/**
	 * Removes another database from the mount: its file and its {@code <db>-pos}, as on a
	 * replica that does not replicate it.
	 * @param db the database file name inside the mount
	 * @return this mount
	 * @since 0.3.0
	 */
	public FakeLiteFsMount removeDatabase(String db) {
		delete(db + "-pos");
		return delete(db);
	}

	/**
	 * The checksum {@link #txid(long)} writes for a TXID.
	 * @param txid the transaction ID
	 * @return the checksum
	 * @since 0.3.0
	 */
	public static long checksumOf(long txid) {
		return Long.rotateLeft(txid * 0x9E3779B97F4A7C15L, 17);
	}

	/**
	 * Writes the replication lag to {@code .lag} as {@code %+010d\n} milliseconds.
	 * @param lag the lag
	 * @return this mount
	 */
	public FakeLiteFsMount lag(Duration lag) {
		return write(LAG_FILE, String.format("%+010d\n", lag.toMillis()));
	}

	/**
	 * Writes the lag a replica shows before its first sync: {@code +2147483647}.
	 * @return this mount
	 */
	public FakeLiteFsMount neverSynced() {
		return lag(NEVER_SYNCED_LAG);
	}

	/**
	 * Replaces any file of the mount with the given content, e.g. a malformed one.
	 * @param name the file name inside the mount
	 * @param content the content, written as UTF-8
	 * @return this mount
	 */
	public FakeLiteFsMount write(String name, String content) {
		return write(name, content.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Replaces any file of the mount with the given bytes.
	 * @param name the file name inside the mount
	 * @param content the content
	 * @return this mount
	 */
	public FakeLiteFsMount write(String name, byte[] content) {
		try {
			Path temp = Files.createTempFile(this.dir, ".fake-", ".tmp");
			Files.write(temp, content);
			Files.move(temp, this.dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
					StandardCopyOption.REPLACE_EXISTING);
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Removes a file of the mount if it exists.
	 * @param name the file name inside the mount
	 * @return this mount
	 */
	public FakeLiteFsMount delete(String name) {
		try {
			Files.deleteIfExists(this.dir.resolve(name));
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The mount directory, for {@code litefs.mount-dir}.
	 * @return the directory
	 */
	public Path dir() {
		return this.dir;
	}

	/**
	 * The database file name, for {@code litefs.database}.
	 * @return the name
	 */
	public String database() {
		return this.database;
	}

	/**
	 * The properties that point an application at this mount.
	 * @return {@code litefs.mount-dir=...} and {@code litefs.database=...}
	 */
	public String[] properties() {
		return new String[] { "litefs.mount-dir=" + this.dir, "litefs.database=" + this.database };
	}

}
