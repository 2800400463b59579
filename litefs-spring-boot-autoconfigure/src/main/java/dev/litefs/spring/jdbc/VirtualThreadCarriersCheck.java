package dev.litefs.spring.jdbc;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import dev.litefs.spring.internal.SqliteFiles;
import dev.litefs.spring.node.LiteFsNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Warns, once at start-up, when the application serves requests on virtual threads and
 * a Hikari pool on the mount may hold as many SQLite connections at once as there are
 * carrier threads. SQLite waits for its database's lock in native code ({@code busy_timeout};
 * on a primary, also while a replica holds LiteFS's HALT lock), which keeps the virtual
 * thread on its carrier: that many waits at once leave no carrier for any other request
 * until one gets the lock or gives up. With fewer connections than carriers, at least one
 * carrier stays free.
 */
public class VirtualThreadCarriersCheck implements SmartInitializingSingleton {

	private static final Logger logger = LoggerFactory.getLogger(VirtualThreadCarriersCheck.class);

	/** The JDK's setting of how many carrier threads run virtual threads. */
	static final String PARALLELISM = "jdk.virtualThreadScheduler.parallelism";

	private final ObjectProvider<DataSource> dataSources;

	private final ObjectProvider<LiteFsNode> node;

	public VirtualThreadCarriersCheck(ObjectProvider<DataSource> dataSources, ObjectProvider<LiteFsNode> node) {
		this.dataSources = dataSources;
		this.node = node;
	}

	@Override
	public void afterSingletonsInstantiated() {
		LiteFsNode liteFs = this.node.getIfAvailable();
		if (liteFs == null) {
			return;
		}
		int carriers = carriers();
		this.dataSources.orderedStream()
			.filter((dataSource) -> UnavailableDatabaseGuard.onTheMount(dataSource, liteFs))
			.forEach((dataSource) -> {
				HikariDataSource hikari = PoolEvictionOnRecovery.hikari(dataSource);
				if (hikari != null && hikari.getMaximumPoolSize() >= carriers) {
					logger.warn("LiteFS: the pool of {} may hold {} SQLite connections at once and virtual threads run on {} "
							+ "carrier threads: a SQLite call waiting for the database's lock (busy_timeout; on a "
							+ "primary, also while a replica holds LiteFS's HALT lock) keeps its carrier, so {} such "
							+ "waits stall every request of the application. Set "
							+ "spring.datasource.hikari.maximum-pool-size below {}, or -D{} above {}",
							SqliteFiles.file(dataSource), hikari.getMaximumPoolSize(), carriers, carriers, carriers, PARALLELISM,
							hikari.getMaximumPoolSize());
				}
			});
	}

	/**
	 * How many carrier threads run virtual threads: the JDK's setting, else the number of
	 * processors, as the JDK's scheduler takes it.
	 * @return the number of carriers
	 */
	static int carriers() {
		try {
			return Integer.parseInt(System.getProperty(PARALLELISM, "").trim());
		}
		catch (NumberFormatException ex) {
			return Runtime.getRuntime().availableProcessors();
		}
	}

}
