package dev.litefs.spring.etag.autoconfigure;

import dev.litefs.spring.consistency.autoconfigure.LiteFsConsistencyAutoConfiguration;
import dev.litefs.spring.etag.TxidETagInterceptor;
import dev.litefs.spring.internal.RequestPathPatterns;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.web.servlet.DispatcherServlet;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Auto-configuration of TXID ETags: conditional GETs of {@code @TxidETag} handlers and
 * of {@code litefs.etag.paths} answered {@code 304} while the database's TXID stays.
 *
 * @since 0.2.0
 */
@AutoConfiguration(after = { LiteFsNodeAutoConfiguration.class, LiteFsConsistencyAutoConfiguration.class })
@ConditionalOnBean(LiteFsNode.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(DispatcherServlet.class)
@EnableConfigurationProperties(LiteFsETagProperties.class)
public final class LiteFsETagAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	TxidETagInterceptor txidETagInterceptor(LiteFsNode node, LiteFsETagProperties etag) {
		return new TxidETagInterceptor(node, new RequestPathPatterns(etag.getPaths()), etag.getVary());
	}

	/** Replaceable by name, as a configurer of Spring MVC has no type of its own. */
	@Bean
	@ConditionalOnMissingBean(name = "txidETagWebMvcConfigurer")
	WebMvcConfigurer txidETagWebMvcConfigurer(TxidETagInterceptor interceptor) {
		return new WebMvcConfigurer() {

			@Override
			public void addInterceptors(InterceptorRegistry registry) {
				registry.addInterceptor(interceptor);
			}

		};
	}

}
