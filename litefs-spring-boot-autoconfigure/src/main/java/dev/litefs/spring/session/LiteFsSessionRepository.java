package dev.litefs.spring.session;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;

import dev.litefs.spring.halt.LiteFsHalt;
import dev.litefs.spring.internal.SqliteFaults;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.dao.DataAccessException;
import org.springframework.scheduling.support.CronExpression;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.jdbc.JdbcIndexedSessionRepository;
import org.springframework.transaction.TransactionException;

/**
 * Spring Session JDBC made to work on every node of a LiteFS cluster, around Boot's
 * {@link JdbcIndexedSessionRepository}:
 * <ul>
 * <li>sessions are read from the local database on every node;</li>
 * <li>a session that <em>changed</em> (created, an attribute set or removed, its id
 * changed, its timeout changed, invalidated) is written at once, before the response
 * commits: on the primary as any write, on a replica under LiteFS's HALT lock
 * ({@link LiteFsHalt}), which sends the transaction to the primary before it returns;
 * the response then carries the {@code __txid} cookie of that write
 * ({@link SessionWriteFilter});</li>
 * <li>a session whose only change is its last-access time costs the request nothing:
 * the time is kept in memory and written in the background, at most once per
 * {@code lastAccessInterval} for each session, and only for sessions whose stored time
 * is older than that ({@link LastAccessWrites});</li>
 * <li>an expired session met on a replica is treated as gone, without the delete
 * Spring Session would attempt there; the primary's cleanup removes it.</li>
 * </ul>
 * Sessions must be saved with Spring Session's default {@code FlushMode.ON_SAVE}: in
 * {@code IMMEDIATE} mode they write themselves, past this repository.
 *
 * @since 0.3.0
 */
public class LiteFsSessionRepository
		implements FindByIndexNameSessionRepository<LiteFsSessionRepository.LiteFsSession>, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(LiteFsSessionRepository.class);

	private final FindByIndexNameSessionRepository<Session> sessions;

	private final JdbcIndexedSessionRepository jdbc;

	private final LiteFsNode node;

	private final LiteFsHalt halt;

	private final LastAccessWrites lastAccess;

	private final LiteFsScheduler scheduler;

	private final @Nullable ScheduledFuture<?> flushes;

	private volatile @Nullable ScheduledFuture<?> nextCleanup;

	private volatile boolean closed;

	/**
	 * Wraps Boot's repository; starts the background writes of last-access times.
	 * @param jdbc the repository, its own cleanup turned off
	 * ({@code Scheduled.CRON_DISABLED})
	 * @param node this node
	 * @param halt the HALT lock through which a replica writes
	 * @param lastAccess where last-access times wait to be written
	 * @param scheduler where the writes of last-access times and the cleanup run
	 */
	@SuppressWarnings("unchecked")
	public LiteFsSessionRepository(JdbcIndexedSessionRepository jdbc, LiteFsNode node, LiteFsHalt halt,
			LastAccessWrites lastAccess, LiteFsScheduler scheduler) {
		// its session type is package-private; at run time every session it is given is one of its own
		this.sessions = (FindByIndexNameSessionRepository<Session>) (FindByIndexNameSessionRepository<?>) jdbc;
		this.jdbc = jdbc;
		this.node = node;
		this.halt = halt;
		this.lastAccess = lastAccess;
		this.scheduler = scheduler;
		this.flushes = scheduler.scheduleWithFixedDelay(this::writeLastAccessTimes, lastAccess.interval(),
				lastAccess.interval());
	}

	@Override
	public LiteFsSession createSession() {
		return new LiteFsSession(this.sessions.createSession(), true);
	}

	/**
	 * Writes a changed session through the primary now, or keeps its last-access time for
	 * the background.
	 * @throws dev.litefs.spring.halt.LiteFsHaltException when a replica could not take the
	 * HALT lock: nothing was written
	 */
	@Override
	public void save(LiteFsSession session) {
		if (!session.changed) {
			this.lastAccess.accessed(session.getId(), session.storedLastAccess, session.getLastAccessedTime(),
					session.getMaxInactiveInterval());
			return;
		}
		this.halt.run(() -> this.sessions.save(session.delegate));
		session.written();
		SessionWriteFilter.sessionWritten();
	}

	@Override
	public @Nullable LiteFsSession findById(String id) {
		Session found;
		try {
			found = this.sessions.findById(id);
		}
		catch (DataAccessException | TransactionException ex) {
			if (!this.node.refresh().isDatabaseAvailable()) {
				// LiteFS is away: the request goes on without its session, and meets the same
				// fault, answered as such, where it uses the database
				logger.debug("Session {} not read, the LiteFS database is unavailable: {}", id, ex.getMessage());
				return null;
			}
			if (!(ex instanceof DataAccessException refused) || !isWriteRefusedOnReplica(refused)) {
				throw ex;
			}
			// expired: Spring Session tried to delete it here; the primary's cleanup will
			logger.debug("Session {} expired; its delete is left to the primary's cleanup", id);
			return null;
		}
		return (found != null) ? new LiteFsSession(found, false) : null;
	}

	/**
	 * Deletes a session through the primary now: after the answer, its id is refused on
	 * this node and the primary, and on other replicas once they caught up.
	 */
	@Override
	public void deleteById(String id) {
		this.halt.run(() -> this.sessions.deleteById(id));
		this.lastAccess.forget(id);
		SessionWriteFilter.sessionWritten();
	}

	@Override
	public Map<String, LiteFsSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
		Map<String, LiteFsSession> found = new LinkedHashMap<>();
		this.sessions.findByIndexNameAndIndexValue(indexName, indexValue)
			.forEach((id, session) -> found.put(id, new LiteFsSession(session, false)));
		return found;
	}

	/**
	 * Removes expired sessions on the given schedule, on whichever node is primary at the
	 * time; replicas skip each run.
	 * @param cron the schedule, a Spring cron expression
	 */
	public void scheduleCleanup(CronExpression cron) {
		if (this.closed) {
			return;
		}
		ZonedDateTime now = ZonedDateTime.now();
		ZonedDateTime next = cron.next(now);
		if (next == null) {
			return;
		}
		this.nextCleanup = this.scheduler.schedule(() -> {
			cleanUpOnPrimary();
			scheduleCleanup(cron);
		}, Duration.between(now, next));
	}

	/**
	 * Removes expired sessions if this node is the primary.
	 * @return whether it ran: {@code false} on a replica or a node of unknown role
	 */
	public boolean cleanUpOnPrimary() {
		if (!this.node.state().role().acceptsWrites()) {
			return false;
		}
		try {
			this.jdbc.cleanUpExpiredSessions();
			return true;
		}
		catch (DataAccessException ex) {
			logger.warn("Removing expired sessions on the primary failed, tried again at the next run: {}",
					ex.getMessage());
			return false;
		}
	}

	/** Writes the last-access times waiting in memory; on a replica under the HALT lock. */
	void writeLastAccessTimes() {
		this.lastAccess.write(this.halt);
	}

	/** Writes the waiting last-access times once more and stops the background work. */
	@Override
	public void destroy() {
		this.closed = true;
		cancel(this.flushes);
		cancel(this.nextCleanup);
		writeLastAccessTimes();
	}

	private static void cancel(@Nullable ScheduledFuture<?> task) {
		if (task != null) {
			task.cancel(false);
		}
	}

	private boolean isWriteRefusedOnReplica(DataAccessException ex) {
		java.sql.SQLException sqlite = SqliteFaults.find(ex);
		if (sqlite == null || this.node.state().role().acceptsWrites()) {
			return false;
		}
		int code = SqliteFaults.code(sqlite);
		return code == SqliteFaults.READONLY || code == SqliteFaults.IOERR;
	}

	/**
	 * A session of Spring Session JDBC that knows whether it changed beyond its
	 * last-access time.
	 */
	public static final class LiteFsSession implements Session {

		private final Session delegate;

		private final Instant storedLastAccess;

		private boolean changed;

		LiteFsSession(Session delegate, boolean isNew) {
			this.delegate = delegate;
			this.storedLastAccess = delegate.getLastAccessedTime();
			this.changed = isNew;
		}

		/**
		 * Whether the session changed beyond its last-access time since it was read or
		 * written: what makes a save go to the primary at once.
		 * @return {@code true} for a new session and after any change
		 */
		public boolean isChanged() {
			return this.changed;
		}

		void written() {
			this.changed = false;
		}

		@Override
		public String getId() {
			return this.delegate.getId();
		}

		@Override
		public String changeSessionId() {
			this.changed = true;
			return this.delegate.changeSessionId();
		}

		@Override
		public <T> @Nullable T getAttribute(String attributeName) {
			return this.delegate.getAttribute(attributeName);
		}

		@Override
		public Set<String> getAttributeNames() {
			return this.delegate.getAttributeNames();
		}

		@Override
		public void setAttribute(String attributeName, @Nullable Object attributeValue) {
			if (attributeValue != null || this.delegate.getAttribute(attributeName) != null) {
				this.changed = true;
			}
			this.delegate.setAttribute(attributeName, attributeValue);
		}

		@Override
		public void removeAttribute(String attributeName) {
			setAttribute(attributeName, null);
		}

		@Override
		public Instant getCreationTime() {
			return this.delegate.getCreationTime();
		}

		@Override
		public void setLastAccessedTime(Instant lastAccessedTime) {
			this.delegate.setLastAccessedTime(lastAccessedTime);
		}

		@Override
		public Instant getLastAccessedTime() {
			return this.delegate.getLastAccessedTime();
		}

		@Override
		public void setMaxInactiveInterval(Duration interval) {
			if (!interval.equals(this.delegate.getMaxInactiveInterval())) {
				this.changed = true;
			}
			this.delegate.setMaxInactiveInterval(interval);
		}

		@Override
		public Duration getMaxInactiveInterval() {
			return this.delegate.getMaxInactiveInterval();
		}

		@Override
		public boolean isExpired() {
			return this.delegate.isExpired();
		}

	}

}
