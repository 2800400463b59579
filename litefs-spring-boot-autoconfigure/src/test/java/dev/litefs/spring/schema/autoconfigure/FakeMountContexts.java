package dev.litefs.spring.schema.autoconfigure;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.litefs.spring.node.autoconfigure.LiteFsNodeAutoConfiguration;
import dev.litefs.spring.test.FakeLiteFsMount;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The set-up the schema auto-configuration tests share: the node and Spring Boot's
 * DataSource on the main database of a fake mount, as node-b, without a LiteFS API,
 * polling every 50 ms, a replica giving up on its schema after 300 ms.
 */
final class FakeMountContexts {

	private FakeMountContexts() {
	}

	/** The main database of a mount: {@code app.db}. */
	static Path database(Path mountDir) {
		return mountDir.resolve(FakeLiteFsMount.DEFAULT_DATABASE);
	}

	/**
	 * A context runner on a mount, with more auto-configurations.
	 * @param mountDir the mount
	 * @param autoConfigurations the auto-configurations under test, after the node's and
	 * the DataSource's
	 * @return the runner
	 */
	static ApplicationContextRunner on(Path mountDir, Class<?>... autoConfigurations) {
		List<Class<?>> all = new ArrayList<>(List.of(LiteFsNodeAutoConfiguration.class, DataSourceAutoConfiguration.class));
		all.addAll(List.of(autoConfigurations));
		return new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(all.toArray(Class<?>[]::new)))
			.withPropertyValues("litefs.mount-dir=" + mountDir, "litefs.hostname=node-b",
					"litefs.api-url=http://127.0.0.1:1", "litefs.poll-interval=50ms",
					"litefs.schema.replica-timeout=300ms", "spring.datasource.url=jdbc:sqlite:" + database(mountDir));
	}

}
