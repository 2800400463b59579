package dev.litefs.spring.flyway;

import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.node.LiteFsMount;
import dev.litefs.spring.node.LiteFsNode;
import dev.litefs.spring.node.LiteFsScheduler;
import dev.litefs.spring.test.FakeLiteFsMount;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.callback.Callback;

import org.springframework.context.ApplicationEventPublisher;

/** Real Flyway on a SQLite file of a fake mount, and a node on that mount, for the unit tests. */
final class FlywayFixtures {

	private FlywayFixtures() {
	}

	/** Flyway with the test migrations (versions 1, 2 and 3) on a mount's database. */
	static Flyway flyway(FakeLiteFsMount mount, Callback... callbacks) {
		return Flyway.configure()
			.dataSource("jdbc:sqlite:" + database(mount), null, null)
			.locations("classpath:db/migration")
			.callbacks(callbacks)
			.load();
	}

	static Path database(FakeLiteFsMount mount) {
		return mount.dir().resolve(mount.database());
	}

	/** A node without API on the mount, polling every 20 ms once started. */
	static LiteFsNode node(FakeLiteFsMount mount, ApplicationEventPublisher events, LiteFsScheduler scheduler) {
		return new LiteFsNode(new LiteFsMount(mount.dir(), mount.database()), "node-b", null, Duration.ofMillis(20),
				Duration.ofMillis(1), events, scheduler);
	}

}
