package dev.litefs.spring.cache.autoconfigure;

import java.nio.file.Path;

import dev.litefs.spring.cache.TxidCacheManager;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.testapp.ExceptionText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cache.CacheManager;
import org.springframework.cache.concurrent.ConcurrentMapCacheManager;

import static org.assertj.core.api.Assertions.assertThat;

class LiteFsCacheAutoConfigurationTests {

	@TempDir
	Path dir;

	ApplicationContextRunner contextRunner() {
		return new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsCacheAutoConfiguration.class))
			.withBean(CacheManager.class, () -> new ConcurrentMapCacheManager("counts"))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1");
	}

	@Test
	void theCacheManagerIsDecoratedWhenEnabledOnly() {
		contextRunner().run((context) -> assertThat(context.getBean(CacheManager.class))
			.isInstanceOf(ConcurrentMapCacheManager.class));
		contextRunner().withPropertyValues("litefs.cache.enabled=true")
			.run((context) -> assertThat(context.getBean(CacheManager.class)).isInstanceOf(TxidCacheManager.class));
		contextRunner().withPropertyValues("litefs.cache.enabled=true", "litefs.enabled=false")
			.run((context) -> assertThat(context.getBean(CacheManager.class))
				.isInstanceOf(ConcurrentMapCacheManager.class));
	}

	@Test
	void aBlankCacheNameFailsTheStartupNamingTheProperty() {
		contextRunner().withPropertyValues("litefs.cache.enabled=true", "litefs.cache.names=counts, ")
			.run((context) -> {
				assertThat(context).hasFailed();
				assertThat(ExceptionText.of(context.getStartupFailure()))
					.contains("Property litefs.cache.names with value")
					.contains("must not hold a blank cache name");
			});
	}

}
