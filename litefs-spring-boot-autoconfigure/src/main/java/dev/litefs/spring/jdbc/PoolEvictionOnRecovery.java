package dev.litefs.spring.jdbc;

import java.sql.SQLException;
import java.util.stream.Stream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.node.LiteFsRoleChangedEvent;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;

/**
 * Keeps the Hikari pools on the mount as LiteFS goes away and comes back.
 * <ul>
 * <li>When the database becomes available again, or the role is known again after
 * being unknown, every connection of the Hikari pools is soft-evicted: idle ones were
 * opened on the mount that went away and would fail once, in-use ones are closed when
 * they are returned. New connections open on the new mount.</li>
 * <li>The guarded pools ({@link GuardedHikariDataSource}) also evict at once the
 * connections they had lent when the database became unavailable and that are still
 * not returned: SQLite can hold those for seconds on a broken mount, and evicted they no
 * longer keep the pool from opening new ones (see
 * {@link GuardedHikariDataSource#mountBack()}). Nothing is evicted while the database is
 * unavailable: a pool refilling then would open SQLite on the directory a stopped
 * LiteFS leaves.</li>
 * </ul>
 */
public class PoolEvictionOnRecovery implements ApplicationListener<LiteFsRoleChangedEvent>, Ordered {

	private static final Logger logger = LoggerFactory.getLogger(PoolEvictionOnRecovery.class);

	private final ObjectProvider<DataSource> dataSources;

	/**
	 * Creates the listener.
	 * @param dataSources the application's DataSources; the Hikari ones are evicted
	 */
	public PoolEvictionOnRecovery(ObjectProvider<DataSource> dataSources) {
		this.dataSources = dataSources;
	}

	/** Before any other listener of the event, such as migrations after a promotion, uses the pool. */
	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	public void onApplicationEvent(LiteFsRoleChangedEvent event) {
		NodeState previous = event.getPreviousState();
		NodeState current = event.getState();
		// an unknown role too: LiteFS stopping can show as unreadable files on a mount still listed, and the
		// event of the mount's loss then comes never (the role stays unknown), only that of its return
		boolean wasUp = previous.isDatabaseAvailable() && previous.role() != NodeRole.UNKNOWN;
		if (wasUp && (!current.isDatabaseAvailable() || current.role() == NodeRole.UNKNOWN)) {
			guardedPools().forEach(GuardedHikariDataSource::mountLost);
			return;
		}
		boolean recovered = !previous.isDatabaseAvailable() || previous.role() == NodeRole.UNKNOWN;
		if (recovered && current.isDatabaseAvailable() && current.role() != NodeRole.UNKNOWN) {
			guardedPools().forEach((pool) -> {
				int evicted = pool.mountBack();
				if (evicted > 0) {
					logger.info("LiteFS: pool {} evicted {} connection(s) still in use since the mount went away",
							pool.getPoolName(), evicted);
				}
			});
			softEvict();
		}
	}

	private Stream<GuardedHikariDataSource> guardedPools() {
		return this.dataSources.orderedStream()
			.filter(GuardedHikariDataSource.class::isInstance)
			.map(GuardedHikariDataSource.class::cast);
	}

	private void softEvict() {
		this.dataSources.orderedStream().forEach((dataSource) -> {
			HikariDataSource hikari = hikari(dataSource);
			if (hikari != null && hikari.getHikariPoolMXBean() != null) {
				hikari.getHikariPoolMXBean().softEvictConnections();
				logger.info("LiteFS: the database is available again; connections of pool {} opened on the old "
						+ "mount are evicted", hikari.getPoolName());
			}
		});
	}

	/**
	 * The Hikari pool a DataSource is or wraps.
	 * @param dataSource the DataSource
	 * @return the pool, or {@code null} when it is none
	 */
	static @Nullable HikariDataSource hikari(DataSource dataSource) {
		try {
			return dataSource.isWrapperFor(HikariDataSource.class) ? dataSource.unwrap(HikariDataSource.class) : null;
		}
		catch (SQLException ex) {
			logger.debug("Not a Hikari pool: {}", ex.toString());
			return null;
		}
	}

}
