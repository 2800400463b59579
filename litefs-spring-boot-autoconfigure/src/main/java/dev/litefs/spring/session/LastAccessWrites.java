package dev.litefs.spring.session;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.halt.LiteFsHaltException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The last-access times of sessions, kept in memory and written together in the
 * background: one transaction for all sessions, at most once per interval each, and only
 * for a session whose stored time is older than the interval (or than a quarter of its
 * timeout, when that is shorter). A session in use is so never more than about two
 * intervals behind in the database, far from its timeout; a burst of requests of one
 * user costs at most one write per interval. A write that fails (a replica that cannot
 * take the HALT lock) keeps the times for the next one.
 *
 * @since 0.3.0
 */
public class LastAccessWrites {

	private static final Logger logger = LoggerFactory.getLogger(LastAccessWrites.class);

	private final JdbcTemplate jdbc;

	private final TransactionTemplate transactions;

	private final String update;

	private final Duration interval;

	private final Map<String, Access> waiting = new ConcurrentHashMap<>();

	/**
	 * The times written lately, by session: a request that read its session just before
	 * such a write committed still holds the older stored time, and must not ask again.
	 */
	private final Map<String, Instant> written = new ConcurrentHashMap<>();

	/**
	 * Creates the writes of a session table.
	 * @param dataSource the database of the sessions
	 * @param tableName the sessions' table ({@code spring.session.jdbc.table-name})
	 * @param interval the longest a time waits, and the youngest stored time rewritten
	 */
	public LastAccessWrites(DataSource dataSource, String tableName, Duration interval) {
		this.jdbc = new JdbcTemplate(dataSource);
		this.transactions = new TransactionTemplate(new JdbcTransactionManager(dataSource));
		this.update = "UPDATE " + tableName + " SET LAST_ACCESS_TIME = ?, EXPIRY_TIME = ? "
				+ "WHERE SESSION_ID = ? AND LAST_ACCESS_TIME < ?";
		this.interval = interval;
	}

	/**
	 * The longest a last-access time waits in memory.
	 * @return the interval
	 */
	public Duration interval() {
		return this.interval;
	}

	/**
	 * How many sessions' times wait to be written.
	 * @return the count
	 */
	public int waiting() {
		return this.waiting.size();
	}

	/**
	 * Records a request's access to a session that did not otherwise change.
	 * @param id the session's id
	 * @param stored its last-access time in the database
	 * @param accessed the time of this access
	 * @param timeout its timeout ({@code max-inactive-interval})
	 */
	void accessed(String id, Instant stored, Instant accessed, Duration timeout) {
		Duration threshold = this.interval;
		if (!timeout.isNegative() && timeout.dividedBy(4).compareTo(threshold) < 0) {
			threshold = timeout.dividedBy(4);
		}
		Instant lastWritten = this.written.get(id);
		Instant latest = (lastWritten != null && lastWritten.isAfter(stored)) ? lastWritten : stored;
		if (Duration.between(latest, accessed).compareTo(threshold) < 0) {
			return;
		}
		this.waiting.merge(id, new Access(accessed, timeout),
				(older, newer) -> newer.time().isAfter(older.time()) ? newer : older);
	}

	/**
	 * Drops the waiting time of a session written or deleted meanwhile.
	 * @param id the session's id
	 */
	void forget(String id) {
		this.waiting.remove(id);
		this.written.remove(id);
	}

	/**
	 * Writes the waiting times in one transaction, under the HALT lock on a replica.
	 * @param halt the HALT lock
	 * @return how many sessions were written, {@code 0} when nothing waited or the write failed
	 */
	int write(LiteFsHalt halt) {
		if (this.waiting.isEmpty()) {
			return 0;
		}
		Map<String, Access> batch = Map.copyOf(this.waiting);
		batch.forEach(this.waiting::remove);
		List<Object[]> rows = new ArrayList<>(batch.size());
		batch.forEach((id, access) -> {
			long time = access.time().toEpochMilli();
			long expiry = access.timeout().isNegative() ? Long.MAX_VALUE : time + access.timeout().toMillis();
			rows.add(new Object[] { time, expiry, id, time });
		});
		try {
			halt.run(() -> this.transactions.executeWithoutResult((status) -> this.jdbc.batchUpdate(this.update, rows)));
			batch.forEach((id, access) -> this.written.merge(id, access.time(),
					(older, newer) -> newer.isAfter(older) ? newer : older));
			// older than two intervals, a written time is in what requests read from the database
			Instant stale = Instant.now().minus(this.interval.multipliedBy(2));
			this.written.values().removeIf((time) -> time.isBefore(stale));
			return rows.size();
		}
		catch (LiteFsHaltException | DataAccessException ex) {
			batch.forEach((id, access) -> this.waiting.merge(id, access,
					(newer, older) -> newer.time().isAfter(older.time()) ? newer : older));
			logger.warn("Writing the last-access times of {} sessions failed, tried again in {}: {}", rows.size(),
					this.interval, ex.getMessage());
			return 0;
		}
	}

	private record Access(Instant time, Duration timeout) {
	}

}
