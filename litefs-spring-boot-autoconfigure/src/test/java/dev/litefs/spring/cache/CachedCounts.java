package dev.litefs.spring.cache;

import dev.litefs.spring.testapp.Calls;
import dev.litefs.spring.testapp.Posts;
import dev.litefs.spring.testapp.TestNode;

import org.springframework.cache.CacheManager;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The application's own cache, for the tests of TXID-stamped caches: a
 * {@link ConcurrentMapCacheManager} and a controller whose reads are {@code @Cacheable}
 * (cache {@code counts}) or not stamped (cache {@code plain}, outside
 * {@code litefs.cache.names} where the tests set it). Pass it as a source to
 * {@link TestNode}.
 */
@Configuration(proxyBeanMethods = false)
@EnableCaching
@Import(CachedCounts.CountController.class)
public class CachedCounts {

	@Bean
	CacheManager cacheManager() {
		return new ConcurrentMapCacheManager("counts", "plain");
	}

	@RestController
	public static class CountController {

		private final Posts posts;

		private final Calls calls;

		CountController(Posts posts, Calls calls) {
			this.posts = posts;
			this.calls = calls;
		}

		@GetMapping("/cached/count")
		@Cacheable("counts")
		public long count() {
			this.calls.ran("cached-count");
			return this.posts.count();
		}

		@GetMapping("/cached/count-sync")
		@Cacheable(cacheNames = "counts", key = "'sync'", sync = true)
		public long countSync() {
			this.calls.ran("cached-count-sync");
			return this.posts.count();
		}

		@PutMapping("/cached/count")
		@CachePut("counts")
		public long refresh() {
			this.calls.ran("cached-count-put");
			return this.posts.count();
		}

		@GetMapping("/plain/count")
		@Cacheable("plain")
		public long plainCount() {
			this.calls.ran("plain-count");
			return this.posts.count();
		}

	}

}
