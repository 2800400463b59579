package dev.litefs.spring.node;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.jspecify.annotations.Nullable;

/**
 * The files LiteFS serves in its FUSE mount directory, read and parsed exactly as LiteFS
 * writes them: for its main database ({@code litefs.database}, the no-argument forms)
 * and for any other database on the mount (the forms that take its name).
 * <p>
 * Every read goes to the file system; {@link LiteFsNode} caches what it needs.
 *
 * @since 0.2.0
 */
public final class LiteFsMount {

	/** The file present only on replicas, holding the primary's hostname. */
	public static final String PRIMARY_FILE = ".primary";

	/** The file holding the replication lag in milliseconds. */
	public static final String LAG_FILE = ".lag";

	/** The lag LiteFS reports on a replica that has not finished its first sync. */
	public static final Duration NEVER_SYNCED_LAG = Duration.ofMillis(Integer.MAX_VALUE);

	/** LiteFS's {@code .primary} holds a hostname: at most 255 bytes. */
	static final int MAX_HOSTNAME_LENGTH = 255;

	/** The suffix of a database's position file. */
	private static final String POSITION_SUFFIX = "-pos";

	/** The files LiteFS and SQLite keep beside a database: never a database's name. */
	private static final List<String> RESERVED_SUFFIXES = List.of(POSITION_SUFFIX, "-lock", "-journal", "-wal",
			"-shm");

	/** More than any well-formed LiteFS file holds: reads stop here. */
	private static final int READ_LIMIT = 1024;

	private final Path dir;

	private final String database;

	/**
	 * Creates a view of a mount directory and one database in it.
	 * @param dir the LiteFS FUSE mount directory ({@code fuse.dir}) or a plain directory
	 * @param database the database file name inside it
	 */
	public LiteFsMount(Path dir, String database) {
		this.dir = dir;
		this.database = database;
	}

	/**
	 * The mount directory.
	 * @return the directory
	 */
	public Path dir() {
		return this.dir;
	}

	/**
	 * The database file name.
	 * @return the name inside {@link #dir()}
	 */
	public String database() {
		return this.database;
	}

	/**
	 * The database file the application opens.
	 * @return {@code <dir>/<database>}
	 */
	public Path databaseFile() {
		return databaseFile(this.database);
	}

	/**
	 * The file of any database on the mount.
	 * @param db the database file name inside the mount
	 * @return {@code <dir>/<db>}
	 * @since 0.3.0
	 */
	public Path databaseFile(String db) {
		return this.dir.resolve(db);
	}

	/**
	 * The database's replication position file.
	 * @return {@code <dir>/<database>-pos}
	 */
	public Path positionFile() {
		return positionFile(this.database);
	}

	/**
	 * The replication position file of any database on the mount.
	 * @param db the database file name inside the mount
	 * @return {@code <dir>/<db>-pos}
	 * @since 0.3.0
	 */
	public Path positionFile(String db) {
		return this.dir.resolve(db + POSITION_SUFFIX);
	}

	/**
	 * The name of the database a file is, when it is one of this mount's: a file directly
	 * in the mount directory (LiteFS serves no subdirectory) with a valid database name.
	 * @param file a SQLite file, e.g. the one a DataSource opens
	 * @return its name inside the mount, or empty when it is not a database of the mount
	 * @since 0.3.0
	 */
	public Optional<String> databaseName(@Nullable Path file) {
		if (file == null) {
			return Optional.empty();
		}
		Path absolute = file.toAbsolutePath().normalize();
		Path parent = absolute.getParent();
		Path name = absolute.getFileName();
		if (parent == null || name == null || !parent.equals(this.dir.toAbsolutePath().normalize())
				|| databaseNameProblem(name.toString()) != null) {
			return Optional.empty();
		}
		return Optional.of(name.toString());
	}

	/**
	 * Why a name cannot be a database of the mount, as LiteFS names them: a file name
	 * inside the mount directory (no {@code /}, no control characters), not one of the files LiteFS or SQLite
	 * keep beside a database ({@code -pos}, {@code -lock}, {@code -journal}, {@code -wal},
	 * {@code -shm}).
	 * @param db the name
	 * @return the reason, or {@code null} when the name is a valid database name
	 * @since 0.3.0
	 */
	public static @Nullable String databaseNameProblem(@Nullable String db) {
		if (db == null || db.isBlank()) {
			return "a database name is a file name inside the mount, not empty";
		}
		if (db.indexOf('/') >= 0) {
			return "database name '" + db + "' is a file name inside the mount: it has no '/'";
		}
		if (db.chars().anyMatch((c) -> c < 0x20 || c == 0x7f)) {
			return "database name '" + db.replaceAll("\\p{Cntrl}", "?") + "' has control characters";
		}
		if (db.equals(".") || db.equals("..")) {
			return "database name '" + db + "' is not a file name";
		}
		for (String suffix : RESERVED_SUFFIXES) {
			if (db.endsWith(suffix)) {
				return "database name '" + db + "' ends with '" + suffix + "', which names a file LiteFS or SQLite "
						+ "keeps beside a database";
			}
		}
		return null;
	}

	/**
	 * Whether the directory exists and can be read.
	 * @return {@code true} when it is a readable directory
	 */
	public boolean isReadable() {
		return Files.isDirectory(this.dir) && Files.isReadable(this.dir);
	}

	/**
	 * Whether the directory is a LiteFS mount rather than a plain directory: LiteFS
	 * serves {@code .lag} (and {@code .primary} on replicas, {@code <db>-pos} once the
	 * database exists) in every mount, and the kernel lists the mount as a FUSE file
	 * system named {@code litefs}.
	 * @return {@code true} for a LiteFS mount
	 */
	public boolean isLiteFsMount() {
		return Files.exists(this.dir.resolve(LAG_FILE)) || Files.exists(this.dir.resolve(PRIMARY_FILE))
				|| Files.exists(positionFile()) || MountTable.isLiteFsMount(this.dir);
	}

	/**
	 * Reads the primary's hostname from {@code .primary}.
	 * @return the hostname, or empty when the file is absent or LiteFS answers its read
	 * with "no such file" (this node is the primary, or a replica connected to no
	 * primary)
	 * @throws LiteFsFileException if the file does not hold a valid hostname (see
	 * {@link Hostnames}) followed by a newline, as LiteFS writes it
	 */
	public Optional<String> readPrimary() {
		Path file = this.dir.resolve(PRIMARY_FILE);
		return read(file).map((content) -> parsePrimary(file, content));
	}

	/**
	 * Reads the database's position from {@code <db>-pos}.
	 * @return the position, or empty when the file is absent
	 * @throws LiteFsFileException if the file is not {@code %016x/%016x\n}
	 */
	public Optional<Position> readPosition() {
		return readPosition(this.database);
	}

	/**
	 * Reads any database's position from {@code <db>-pos}.
	 * @param db the database file name inside the mount
	 * @return the position, or empty when the file is absent
	 * @throws LiteFsFileException if the file is not {@code %016x/%016x\n}
	 * @since 0.3.0
	 */
	public Optional<Position> readPosition(String db) {
		Path file = positionFile(db);
		return read(file).map((content) -> parsePosition(file, content));
	}

	/**
	 * Reads the replication lag from {@code .lag}.
	 * @return the lag ({@link #NEVER_SYNCED_LAG} before the first sync), or empty when
	 * the file is absent
	 * @throws LiteFsFileException if the file is not {@code %+010d\n} (a sign and 9 or 10
	 * digits)
	 */
	public Optional<Duration> readLag() {
		Path file = this.dir.resolve(LAG_FILE);
		return read(file).map((content) -> parseLag(file, content));
	}

	static String parsePrimary(Path file, String content) {
		if (!content.isEmpty() && !content.endsWith("\n")) {
			// LiteFS writes "hostname\n": without its newline the name may be cut short
			throw new LiteFsFileException(file, "has no trailing newline (LiteFS may be writing it), got "
					+ describe(content));
		}
		String hostname = withoutTrailingNewline(content);
		String problem = Hostnames.problem(hostname);
		if (problem != null) {
			throw new LiteFsFileException(file, problem);
		}
		return hostname;
	}

	static Position parsePosition(Path file, String content) {
		String text = withoutTrailingNewline(content);
		if (text.length() != 33 || text.charAt(16) != '/') {
			throw new LiteFsFileException(file,
					"expected 16 hex digits, '/', 16 hex digits and a newline, got " + describe(content));
		}
		try {
			return new Position(Position.parseHex16(text.substring(0, 16), "TXID"),
					Position.parseHex16(text.substring(17), "checksum"));
		}
		catch (IllegalArgumentException ex) {
			throw new LiteFsFileException(file, ex.getMessage() + ", got " + describe(content));
		}
	}

	static Duration parseLag(Path file, String content) {
		String text = withoutTrailingNewline(content);
		// %+010d: a sign and at least 9 digits; an int has at most 10
		boolean signed = !text.isEmpty() && (text.charAt(0) == '+' || text.charAt(0) == '-');
		if (!signed || text.length() < 10 || text.length() > 11
				|| !text.substring(1).chars().allMatch((c) -> c >= '0' && c <= '9')) {
			throw new LiteFsFileException(file,
					"expected a sign, 9 or 10 digits and a newline (milliseconds), got " + describe(content));
		}
		long millis = Long.parseLong(text);
		// a primary whose clock runs ahead of a replica's yields a negative lag: no lag
		return Duration.ofMillis(Math.max(0, Math.min(millis, Integer.MAX_VALUE)));
	}

	private static String withoutTrailingNewline(String content) {
		return content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
	}

	private static String describe(String content) {
		if (content.isEmpty()) {
			return "an empty file";
		}
		String shown = content.length() > 40 ? content.substring(0, 40) + "..." : content;
		StringBuilder out = new StringBuilder("\"");
		shown.codePoints().forEach((c) -> {
			if (c < 0x20 || c == 0x7f) {
				out.append(String.format("\\x%02x", c));
			}
			else {
				out.appendCodePoint(c);
			}
		});
		return out.append("\" (").append(content.length()).append(" characters)").toString();
	}

	private static Optional<String> read(Path file) {
		try (InputStream in = Files.newInputStream(file)) {
			return Optional.of(new String(in.readNBytes(READ_LIMIT), StandardCharsets.UTF_8));
		}
		catch (NoSuchFileException ex) {
			return Optional.empty();
		}
		catch (IOException ex) {
			// LiteFS 0.5 opens .primary on a replica that knows no primary, then fails the read with ENOENT
			if ("No such file or directory".equals(ex.getMessage())) {
				return Optional.empty();
			}
			throw new LiteFsFileException(file, "cannot be read: " + ex);
		}
	}

	@Override
	public String toString() {
		return this.dir.resolve(this.database).toString();
	}

}
