package dev.litefs.sample.tenants;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.regex.Pattern;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.jdbc.BrokenMountEviction;
import dev.litefs.spring.node.LiteFsNode;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;
import org.springframework.stereotype.Component;

/**
 * A database per tenant on the LiteFS mount, {@code tenant-<id>.db}, beside the app's own
 * {@code app.db}, and a small Hikari pool per tenant, opened when the tenant is first used
 * and emptied when it is idle:
 * <ul>
 * <li>{@code minimum-idle} 0 and an idle timeout: a tenant nobody uses holds no
 * connection, and with the one house-keeping thread all pools share, no thread. Safe in
 * the rollback-journal mode that a new database has (see docs/several-databases.md): in
 * WAL mode a replica's last connection closing is what can crash the JVM;</li>
 * <li>SQLite opens the file without {@code SQLITE_OPEN_CREATE} ({@code open_mode=2}): a
 * tenant's database is created only by {@link #create} on the primary, never empty on a
 * replica that has not received it yet;</li>
 * <li>the starter's SQLite settings for a pool on the mount: {@code busy_timeout},
 * {@code foreign_keys} and {@link BrokenMountEviction}.</li>
 * </ul>
 */
@Component
class TenantDatabases implements DisposableBean {

	/** A tenant's ID: lower-case letters, digits and dashes, up to 40. */
	private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");

	/** SQLite's {@code SQLITE_OPEN_READWRITE} alone: an absent file is not created. */
	private static final String OPEN_EXISTING = "2";

	private final Path dir;

	private final @Nullable LiteFsNode node;

	private final int poolSize;

	private final Duration idleTimeout;

	private final ScheduledThreadPoolExecutor housekeeping = new ScheduledThreadPoolExecutor(1,
			new CustomizableThreadFactory("tenant-pools-"));

	private final ConcurrentMap<String, HikariDataSource> pools = new ConcurrentHashMap<>();

	TenantDatabases(ObjectProvider<LiteFsNode> node, @Value("${litefs.mount-dir}") Path dir,
			@Value("${sample.tenants.pool-size:2}") int poolSize,
			@Value("${sample.tenants.idle-timeout:30s}") Duration idleTimeout) {
		this.node = node.getIfAvailable();
		this.dir = (this.node != null) ? this.node.mount().dir() : dir;
		this.poolSize = poolSize;
		this.idleTimeout = idleTimeout;
		this.housekeeping.setRemoveOnCancelPolicy(true);
	}

	/**
	 * The database file of a tenant.
	 * @param tenant the tenant's ID
	 * @return its file name on the mount
	 * @throws InvalidTenantException when the ID is not one
	 */
	public static String database(String tenant) {
		if (!ID.matcher(tenant).matches()) {
			throw new InvalidTenantException(tenant);
		}
		return "tenant-" + tenant + ".db";
	}

	/**
	 * Whether this node has the tenant's database: on a replica, whether LiteFS has
	 * replicated it here yet.
	 * @param tenant the tenant's ID
	 * @return {@code true} when its database is on this node
	 */
	public boolean exists(String tenant) {
		String database = database(tenant);
		return (this.node != null) ? this.node.servesDatabase(database) : Files.exists(this.dir.resolve(database));
	}

	/**
	 * Whether this node's database is unavailable (LiteFS down or restarting), so that
	 * whether a tenant exists cannot be told.
	 * @return {@code true} while LiteFS is away
	 */
	public boolean unavailable() {
		return this.node != null && !this.node.state().isDatabaseAvailable();
	}

	/**
	 * The pool of a tenant whose database exists, made on first use.
	 * @param tenant the tenant's ID
	 * @return its pool
	 */
	DataSource pool(String tenant) {
		return this.pools.computeIfAbsent(database(tenant), (database) -> {
			known(database);
			return newPool(database);
		});
	}

	/**
	 * Creates a tenant's database with its schema: on the primary only (the caller is an
	 * {@code @EnsurePrimary} method). Replicas learn of it from LiteFS.
	 * @param tenant the tenant's ID
	 * @return {@code true} when it was created, {@code false} when it existed already
	 * @throws SQLException when SQLite cannot create it
	 */
	public boolean create(String tenant) throws SQLException {
		String database = database(tenant);
		if (exists(tenant)) {
			return false;
		}
		try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + this.dir.resolve(database));
				Statement statement = connection.createStatement()) {
			statement.execute("PRAGMA busy_timeout = 5000");
			statement.execute("CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT, "
					+ "text TEXT NOT NULL, created_at TEXT NOT NULL, hostname TEXT NOT NULL)");
		}
		known(database);
		return true;
	}

	/** Makes the node track a tenant's database: its position, for the {@code __txid} waits and the actuator. */
	private void known(String database) {
		if (this.node != null) {
			this.node.addDatabase(database);
		}
	}

	private HikariDataSource newPool(String database) {
		HikariDataSource pool = new HikariDataSource();
		pool.setPoolName(database);
		pool.setJdbcUrl("jdbc:sqlite:" + this.dir.resolve(database));
		pool.setMaximumPoolSize(this.poolSize);
		pool.setMinimumIdle(0);
		pool.setIdleTimeout(this.idleTimeout.toMillis());
		pool.setScheduledExecutor(this.housekeeping);
		pool.setExceptionOverrideClassName(BrokenMountEviction.class.getName());
		pool.addDataSourceProperty("open_mode", OPEN_EXISTING);
		pool.addDataSourceProperty("busy_timeout", "5000");
		pool.addDataSourceProperty("foreign_keys", "true");
		return pool;
	}

	@Override
	public void destroy() {
		this.pools.values().forEach(HikariDataSource::close);
		this.pools.clear();
		this.housekeeping.shutdownNow();
	}

}
