package dev.litefs.spring;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import dev.litefs.spring.primary.autoconfigure.LiteFsPrimaryAutoConfiguration;
import dev.litefs.spring.primary.PrimaryOnly;
import dev.litefs.spring.routing.EnsurePrimary;
import dev.litefs.spring.routing.autoconfigure.LiteFsRoutingAutoConfiguration;
import dev.litefs.spring.routing.NotPrimaryException;
import dev.litefs.spring.test.FakeLiteFsMount;
import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.aop.PointcutAdvisor;
import org.springframework.aop.support.AopUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The advisors of {@link EnsurePrimary} and {@link PrimaryOnly} reject a bean class that
 * carries neither annotation by its class alone, so that start-up does not search every
 * method of every bean for them, and still advise the methods that carry them through an
 * interface, a superclass or a meta-annotation.
 */
class AdvisorClassFilterTests {

	@TempDir
	Path dir;

	private ApplicationContextRunner contextRunner() {
		FakeLiteFsMount.replicaOf(this.dir, "node-a");
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(LiteFsNodeAutoConfiguration.class, LiteFsRoutingAutoConfiguration.class,
					LiteFsPrimaryAutoConfiguration.class, AopAutoConfiguration.class))
			.withPropertyValues("litefs.mount-dir=" + this.dir, "litefs.api-url=http://localhost:1")
			.withUserConfiguration(Beans.class);
	}

	@ParameterizedTest
	@ValueSource(strings = { "ensurePrimaryAdvisor", "primaryOnlyAdvisor" })
	void aClassWithoutTheAnnotationIsRejectedByItsClassAlone(String advisor) {
		contextRunner().run((context) -> {
			PointcutAdvisor pointcutAdvisor = context.getBean(advisor, PointcutAdvisor.class);
			assertThat(pointcutAdvisor.getPointcut().getClassFilter().matches(Plain.class)).isFalse();
			assertThat(AopUtils.isAopProxy(context.getBean(Plain.class))).isFalse();
		});
	}

	@Test
	void ensurePrimaryOnAnInterfaceMethodOrAsAMetaAnnotationStillGuards() {
		contextRunner().run((context) -> {
			assertThatExceptionOfType(NotPrimaryException.class)
				.isThrownBy(() -> context.getBean(Writer.class).write());
			assertThatExceptionOfType(NotPrimaryException.class)
				.isThrownBy(() -> context.getBean(MetaAnnotated.class).write());
		});
	}

	@Test
	void primaryOnlyOnASuperclassMethodStillSkipsOnAReplica() {
		contextRunner().run((context) -> {
			Job job = context.getBean(Job.class);
			job.run();
			assertThat(job.runs()).isZero();
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Beans {

		@Bean
		Plain plain() {
			return new Plain();
		}

		@Bean
		Writer writer() {
			return new WriterImpl();
		}

		@Bean
		MetaAnnotated metaAnnotated() {
			return new MetaAnnotated();
		}

		@Bean
		Job job() {
			return new Job();
		}

	}

	public static class Plain {

		public String read() {
			return "read";
		}

	}

	public interface Writer {

		@EnsurePrimary
		String write();

	}

	static class WriterImpl implements Writer {

		@Override
		public String write() {
			return "written";
		}

	}

	@Retention(RetentionPolicy.RUNTIME)
	@Target(ElementType.METHOD)
	@EnsurePrimary
	@interface Writes {

	}

	public static class MetaAnnotated {

		@Writes
		public String write() {
			return "written";
		}

	}

	public static class ScheduledWork {

		final AtomicInteger runs = new AtomicInteger();

		@PrimaryOnly
		public void run() {
			this.runs.incrementAndGet();
		}

		public int runs() {
			return this.runs.get();
		}

	}

	public static class Job extends ScheduledWork {

	}

}
