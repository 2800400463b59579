package dev.litefs.sample.tenants;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

import dev.litefs.spring.node.LiteFsNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.HttpStatus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The tenants' databases on a plain directory: a tenant's pool never creates its
 * database, only {@link TenantDatabases#create} does; an ID that cannot name a file is
 * refused before any file is touched.
 */
class TenantDatabasesTests {

	@TempDir
	Path dir;

	TenantDatabases databases;

	@BeforeEach
	void databases() {
		this.databases = new TenantDatabases(new StaticListableBeanFactory().getBeanProvider(LiteFsNode.class), this.dir,
				2, Duration.ofSeconds(10));
	}

	@AfterEach
	void close() {
		this.databases.destroy();
	}

	@Test
	void aTenantsPoolDoesNotCreateItsDatabase() {
		assertThat(this.databases.exists("ghost")).isFalse();

		assertThatExceptionOfType(SQLException.class).isThrownBy(() -> this.databases.pool("ghost").getConnection());

		assertThat(this.dir.resolve("tenant-ghost.db")).doesNotExist();
	}

	@Test
	void createMakesTheDatabaseWithItsTableOnceAndThePoolOpensIt() throws SQLException {
		assertThat(this.databases.create("acme")).isTrue();
		assertThat(this.databases.create("acme")).as("created already").isFalse();

		assertThat(this.databases.exists("acme")).isTrue();
		try (Connection connection = this.databases.pool("acme").getConnection()) {
			assertThat(connection.createStatement().executeQuery("select count(*) from notes").getLong(1)).isZero();
		}
	}

	@Test
	void anIdThatCannotNameAFileIsABadRequest() {
		for (String id : new String[] { "../app", "Acme", "", "a/b", "x".repeat(41) }) {
			assertThatExceptionOfType(InvalidTenantException.class).as(id)
				.isThrownBy(() -> this.databases.exists(id))
				.satisfies((ex) -> assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST));
		}
		assertThat(this.dir).isEmptyDirectory();
	}

}
