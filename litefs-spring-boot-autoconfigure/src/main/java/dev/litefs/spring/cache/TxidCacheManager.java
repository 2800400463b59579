package dev.litefs.spring.cache;

import java.util.Collection;
import java.util.Set;

import dev.litefs.spring.node.LiteFsNode;
import org.jspecify.annotations.Nullable;

import org.springframework.cache.Cache;
import org.springframework.cache.CacheManager;

/**
 * A {@link CacheManager} whose caches (all, or those named) stamp each entry with this
 * node's position and serve it only while the position stays: an {@code @Cacheable}
 * result is dropped the moment a {@code tx} event moves the TXID, on every node, the
 * primary included, and on a standalone node the moment a change is committed to its
 * database. Other caches are the delegate's own.
 *
 * @see TxidCache
 * @since 0.2.0
 */
public class TxidCacheManager implements CacheManager {

	private final CacheManager delegate;

	private final LiteFsNode node;

	private final DatabaseCommits commits;

	private final Set<String> names;

	/**
	 * Decorates a cache manager.
	 * @param delegate the cache manager whose caches hold the entries
	 * @param node this node, whose position stamps them
	 * @param commits the commits to the node's database, which stamp them on a standalone
	 * node
	 * @param names the caches to stamp; empty for all
	 */
	public TxidCacheManager(CacheManager delegate, LiteFsNode node, DatabaseCommits commits,
			Collection<String> names) {
		this.delegate = delegate;
		this.node = node;
		this.commits = commits;
		this.names = Set.copyOf(names);
	}

	/**
	 * The decorated cache manager.
	 * @return the delegate
	 */
	public CacheManager delegate() {
		return this.delegate;
	}

	@Override
	public @Nullable Cache getCache(String name) {
		Cache cache = this.delegate.getCache(name);
		if (cache == null || !(this.names.isEmpty() || this.names.contains(name))) {
			return cache;
		}
		return new TxidCache(cache, this.node, this.commits);
	}

	@Override
	public Collection<String> getCacheNames() {
		return this.delegate.getCacheNames();
	}

}
