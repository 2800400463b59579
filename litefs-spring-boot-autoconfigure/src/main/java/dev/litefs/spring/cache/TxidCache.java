package dev.litefs.spring.cache;

import java.io.Serializable;
import java.util.OptionalLong;
import java.util.concurrent.Callable;

import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.NodeRole;
import dev.litefs.spring.node.NodeState;
import dev.litefs.spring.node.Position;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.support.SimpleValueWrapper;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.ClassUtils;

/**
 * A {@link Cache} whose entries carry the position ({@link Position TXID and checksum})
 * of this node's database they were read at, and are served only while the node is at
 * that position: never across a change.
 * <p>
 * An entry is dated by the lookup that missed it, before its value was computed, as
 * Spring's {@code @Cacheable} looks up before it calls the method and puts after: the
 * value was read at that position or later. A {@code put} that no miss of the same key
 * on the same thread came before (a {@code @CachePut}, a direct call) cannot be dated
 * and evicts the key instead.
 * <p>
 * A standalone node (a plain directory, whose position never moves) dates its entries by
 * the {@link DatabaseCommits commits} to its database instead: its own writes, and any
 * other connection's or process's. Where nothing dates an entry (an unknown role, LiteFS
 * down, a database LiteFS has not written or that cannot be opened), every lookup misses
 * and nothing is stored; so too, on a node that takes writes, inside a Spring transaction
 * that may write (not {@code readOnly}): what it reads may hold its own changes, not yet
 * committed, which no position dates.
 * {@code @Cacheable(sync = true)} dates its entry before it loads it (without the
 * delegate's per-key lock: two threads may both load a missing entry). Asynchronous
 * retrieval ({@code CompletableFuture} results) is not supported.
 *
 * @since 0.2.0
 */
public class TxidCache implements Cache {

	private static final boolean TRANSACTIONS_PRESENT = ClassUtils.isPresent(
			"org.springframework.transaction.support.TransactionSynchronizationManager", TxidCache.class.getClassLoader());

	private final Cache delegate;

	private final LiteFsNode node;

	private final DatabaseCommits commits;

	/** The key and position of this thread's last miss, which its next put dates itself by. */
	private final ThreadLocal<Miss> misses = new ThreadLocal<>();

	/**
	 * Decorates a cache.
	 * @param delegate the cache holding the stamped entries
	 * @param node this node, whose position stamps them
	 * @param commits the commits to the node's database, which stamp them on a standalone
	 * node
	 */
	public TxidCache(Cache delegate, LiteFsNode node, DatabaseCommits commits) {
		this.delegate = delegate;
		this.node = node;
		this.commits = commits;
	}

	@Override
	public String getName() {
		return this.delegate.getName();
	}

	@Override
	public Object getNativeCache() {
		return this.delegate.getNativeCache();
	}

	@Override
	public @Nullable ValueWrapper get(Object key) {
		Stamped found = lookUp(key);
		return (found != null) ? new SimpleValueWrapper(found.value()) : null;
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, @Nullable Class<T> type) {
		Stamped found = lookUp(key);
		if (found == null || found.value() == null) {
			return null;
		}
		if (type != null && !type.isInstance(found.value())) {
			throw new IllegalStateException(
					"Cached value is not of required type [" + type.getName() + "]: " + found.value());
		}
		return (T) found.value();
	}

	@Override
	@SuppressWarnings("unchecked")
	public <T> @Nullable T get(Object key, Callable<T> valueLoader) {
		Position now = now();
		if (now == null) {
			return load(key, valueLoader);
		}
		ValueWrapper wrapper = this.delegate.get(key);
		if (wrapper != null && wrapper.get() instanceof Stamped stamped && stamped.isAt(now)) {
			return (T) stamped.value();
		}
		T value = load(key, valueLoader);
		this.delegate.put(key, Stamped.at(now, value));
		return value;
	}

	@Override
	public void put(Object key, @Nullable Object value) {
		Miss miss = this.misses.get();
		this.misses.remove();
		if (miss != null && miss.key().equals(key)) {
			this.delegate.put(key, Stamped.at(miss.position(), value));
		}
		else {
			this.delegate.evict(key);
		}
	}

	@Override
	public @Nullable ValueWrapper putIfAbsent(Object key, @Nullable Object value) {
		ValueWrapper existing = get(key);
		if (existing == null) {
			put(key, value);
		}
		return existing;
	}

	@Override
	public void evict(Object key) {
		this.delegate.evict(key);
	}

	@Override
	public boolean evictIfPresent(Object key) {
		return this.delegate.evictIfPresent(key);
	}

	@Override
	public void clear() {
		this.delegate.clear();
	}

	@Override
	public boolean invalidate() {
		return this.delegate.invalidate();
	}

	/** The entry if it is at the node's position now; a miss is remembered, to date the put that follows. */
	private @Nullable Stamped lookUp(Object key) {
		this.misses.remove();
		Position now = now();
		if (now == null) {
			return null;
		}
		ValueWrapper wrapper = this.delegate.get(key);
		if (wrapper != null && wrapper.get() instanceof Stamped stamped && stamped.isAt(now)) {
			return stamped;
		}
		this.misses.set(new Miss(key, now));
		return null;
	}

	/**
	 * Where the database is now, to date entries by: the node's position on a LiteFS
	 * primary or replica; on a standalone node, its commits' version in the TXID's place,
	 * with checksum 0. {@code null} when nothing dates what is read now.
	 */
	private @Nullable Position now() {
		NodeState state = this.node.state();
		if (state.isPrimary() && inReadWriteTransaction()) {
			return null;
		}
		if (state.positionTracksChanges()) {
			return state.position();
		}
		if (state.role() != NodeRole.STANDALONE || !state.isDatabaseAvailable()) {
			return null;
		}
		OptionalLong version = this.commits.version();
		return version.isPresent() ? new Position(version.getAsLong(), 0) : null;
	}

	/**
	 * Whether a Spring transaction that may write is active on this thread: what it reads
	 * may hold its own changes, not committed (and perhaps rolled back), which no position
	 * dates.
	 */
	private static boolean inReadWriteTransaction() {
		return TRANSACTIONS_PRESENT && TransactionSynchronizationManager.isActualTransactionActive()
				&& !TransactionSynchronizationManager.isCurrentTransactionReadOnly();
	}

	private static <T> T load(Object key, Callable<T> valueLoader) {
		try {
			return valueLoader.call();
		}
		catch (Exception ex) {
			throw new ValueRetrievalException(key, valueLoader, ex);
		}
	}

	private record Miss(Object key, Position position) {
	}

	/**
	 * A value with the position it was read at; serializable for caches that store
	 * entries out of the JVM.
	 * @param txid the TXID
	 * @param checksum the checksum after it
	 * @param value the value
	 */
	record Stamped(long txid, long checksum, @Nullable Object value) implements Serializable {

		static Stamped at(Position position, @Nullable Object value) {
			return new Stamped(position.txid(), position.checksum(), value);
		}

		boolean isAt(Position position) {
			return this.txid == position.txid() && this.checksum == position.checksum();
		}

	}

}
