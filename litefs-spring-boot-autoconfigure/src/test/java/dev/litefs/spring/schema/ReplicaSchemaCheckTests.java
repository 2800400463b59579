package dev.litefs.spring.schema;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.litefs.spring.schema.FlywayFixtures.database;
import static dev.litefs.spring.schema.FlywayFixtures.flyway;
import static dev.litefs.spring.schema.FlywayFixtures.installedVersions;
import static dev.litefs.spring.schema.FlywayFixtures.migrate;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ReplicaSchemaCheck}: the replicated database read, never written, over
 * a connection of the check's own.
 */
class ReplicaSchemaCheckTests {

	@TempDir
	Path dir;

	@Test
	void aDatabaseNotReplicatedYetLacksEveryMigrationAndIsNotCreated() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");

		ReplicaSchemaCheck.Result check = ReplicaSchemaCheck.check(flyway(mount));

		assertThat(check.missing()).containsExactly("1", "2", "3");
		assertThat(check.version()).isNull();
		assertThat(check.error()).isNull();
		assertThat(check.complete()).isFalse();
		assertThat(check.describe()).isEqualTo("missing migrations 1, 2, 3");
		assertThat(database(mount)).as("created by the check").doesNotExist();
	}

	@Test
	void aPartlyReplicatedSchemaNamesWhatItLacksAndIsLeftAsItWas() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		migrate(database(mount), "2");
		byte[] before = Files.readAllBytes(database(mount));

		ReplicaSchemaCheck.Result check = ReplicaSchemaCheck.check(flyway(mount));

		assertThat(check.missing()).containsExactly("3");
		assertThat(check.version()).isEqualTo("2");
		assertThat(check.complete()).isFalse();
		assertThat(Files.readAllBytes(database(mount))).as("the database after the check").isEqualTo(before);
		assertThat(installedVersions(database(mount))).containsExactly("1", "2");
	}

	@Test
	void aFullyReplicatedSchemaIsComplete() {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		migrate(database(mount), "3");

		ReplicaSchemaCheck.Result check = ReplicaSchemaCheck.check(flyway(mount));

		assertThat(check.missing()).isEmpty();
		assertThat(check.version()).isEqualTo("3");
		assertThat(check.complete()).isTrue();
	}

	@Test
	void aDatabaseThatCannotBeReadIsAnIncompleteCheckNotAFailure() throws Exception {
		FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(this.dir, "node-a");
		Files.writeString(database(mount), "not a SQLite database, and long enough to be read as one".repeat(20));

		ReplicaSchemaCheck.Result check = ReplicaSchemaCheck.check(flyway(mount));

		assertThat(check.complete()).isFalse();
		assertThat(check.missing()).isEmpty();
		assertThat(check.error()).startsWith("cannot read " + database(mount) + ": ");
		assertThat(check.describe()).isEqualTo(check.error());
	}

}
