package dev.litefs.spring.node;

import java.nio.file.Path;
import java.time.Duration;

import dev.litefs.spring.test.FakeLiteFsMount;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class LiteFsMountTests {

	@TempDir
	Path dir;

	LiteFsMount mount() {
		return new LiteFsMount(this.dir, "app.db");
	}

	FakeLiteFsMount fake() {
		return FakeLiteFsMount.primary(this.dir);
	}

	@Nested
	class PrimaryFile {

		@Test
		void absentOnThePrimary() {
			fake();
			assertThat(mount().readPrimary()).isEmpty();
		}

		@Test
		void namesThePrimaryOnAReplica() {
			FakeLiteFsMount.replicaOf(LiteFsMountTests.this.dir, "node-a");
			assertThat(mount().readPrimary()).contains("node-a");
		}

		@Test
		void acceptsAFlyMachineIdAndAnAddress() {
			fake().write(".primary", "3d8d9930b32189\n");
			assertThat(mount().readPrimary()).contains("3d8d9930b32189");
			fake().write(".primary", "10.0.0.12\n");
			assertThat(mount().readPrimary()).contains("10.0.0.12");
		}

		@ParameterizedTest
		@ValueSource(strings = { "", "\n", "node-a\r\n", "node-a\nevil: 1\n", "node a\n", "node-a\u0000\n",
				"h\u00f6st\n", "node-a:8080\n", "http://node-a\n" })
		void refusesWhatIsNotAHostname(String content) {
			fake().write(".primary", content);
			assertThatExceptionOfType(LiteFsFileException.class).isThrownBy(() -> mount().readPrimary())
				.satisfies((ex) -> assertThat(ex.getFile()).isEqualTo(LiteFsMountTests.this.dir.resolve(".primary")))
				.satisfies((ex) -> assertThat(ex.getMessage()).contains(".primary"));
		}

		@ParameterizedTest
		@ValueSource(strings = { "-", "node-a-", "-node-a", ".", "..", "a..b", "node-a.", ".node-a", "node_a", "_",
				"1.2.3", "127.0", "256.0.0.1", "1.2.3.4.5", "node.3d8d9930b32189", "12345" })
		void refusesWhatCannotBeTheHostOfAUrl(String hostname) {
			fake().write(".primary", hostname + "\n");
			assertThatExceptionOfType(LiteFsFileException.class).isThrownBy(() -> mount().readPrimary())
				.satisfies((ex) -> assertThat(ex.getMessage()).contains(".primary"));
		}

		@ParameterizedTest
		@ValueSource(strings = { "node-a", "3d8d9930b32189", "node-a.app.svc.cluster.local", "10.0.0.12", "127.0.0.1",
				"a1.b2", "N0DE-A" })
		void acceptsRfc1123NamesAndIpv4AddressesEachOfWhichMakesAUrl(String hostname) {
			fake().write(".primary", hostname + "\n");
			assertThat(mount().readPrimary()).contains(hostname);
			assertThat(java.net.URI.create("http://" + hostname + ":8080").getHost()).isEqualTo(hostname);
		}

		@Test
		void refusesAHostnameCaughtMidWriteWithoutItsNewline() {
			String whole = "127.0.0.1\n";
			for (int length = 1; length < whole.length(); length++) {
				fake().write(".primary", whole.substring(0, length));
				assertThatExceptionOfType(LiteFsFileException.class).as(whole.substring(0, length))
					.isThrownBy(() -> mount().readPrimary());
			}
			fake().write(".primary", "node-a");
			assertThatExceptionOfType(LiteFsFileException.class).isThrownBy(() -> mount().readPrimary())
				.withMessageContaining("newline");
			fake().write(".primary", whole);
			assertThat(mount().readPrimary()).contains("127.0.0.1");
		}

		@Test
		void theFakeMountWritesAPrimaryWholeAndRefusesOneNoUrlCanHold() throws Exception {
			FakeLiteFsMount mount = FakeLiteFsMount.replicaOf(LiteFsMountTests.this.dir, "127.0.0.1");
			assertThat(java.nio.file.Files.readString(LiteFsMountTests.this.dir.resolve(".primary")))
				.isEqualTo("127.0.0.1\n");
			assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> mount.becomeReplicaOf("node_a"))
				.withMessageContaining("write(\".primary\"");
		}

		@Test
		void refusesALabelOver63Bytes() {
			fake().write(".primary", "a".repeat(64) + ".example\n");
			assertThatExceptionOfType(LiteFsFileException.class).isThrownBy(() -> mount().readPrimary())
				.withMessageContaining("63");
		}

		@Test
		void refusesMoreThan255Bytes() {
			fake().write(".primary", "a".repeat(256) + "\n");
			assertThatExceptionOfType(LiteFsFileException.class).isThrownBy(() -> mount().readPrimary())
				.withMessageContaining("256 bytes");
		}

		@Test
		void accepts255Bytes() {
			String hostname = String.join(".", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(63));
			assertThat(hostname).hasSize(255);
			fake().write(".primary", hostname + "\n");
			assertThat(mount().readPrimary()).contains(hostname);
		}

		@Test
		void describesAControlCharacter() {
			fake().write(".primary", "node-a\rX\n");
			assertThatExceptionOfType(LiteFsFileException.class).isThrownBy(() -> mount().readPrimary())
				.withMessageContaining("control character \\x0d at index 6");
		}

	}

	@Nested
	class PositionFile {

		@Test
		void parsesTxidAndChecksum() {
			fake().write("app.db-pos", "000000000000002a/8f3c9d1e2b4a5c6d\n");
			assertThat(mount().readPosition()).contains(new Position(42, 0x8f3c9d1e2b4a5c6dL));
		}

		@Test
		void readsTheConfiguredDatabase() {
			fake().write("other.db-pos", "0000000000000007/0000000000000001\n");
			assertThat(new LiteFsMount(LiteFsMountTests.this.dir, "other.db").readPosition().map(Position::txid))
				.contains(7L);
		}

		@Test
		void absentBeforeTheDatabaseExists() {
			assertThat(mount().readPosition()).isEmpty();
		}

		@Test
		void parsesTheLargestUnsignedValues() {
			fake().write("app.db-pos", "ffffffffffffffff/ffffffffffffffff\n");
			Position position = mount().readPosition().orElseThrow();
			assertThat(position.txidHex()).isEqualTo("ffffffffffffffff");
			assertThat(position.hasReached(Long.MAX_VALUE)).isTrue();
		}

		@ParameterizedTest
		@ValueSource(strings = { "", "\n", "000000000000002a/8f3c9d1e2b4a5c", "000000000000002a\n",
				"00000000000002a/8f3c9d1e2b4a5c6d0\n", "000000000000002g/8f3c9d1e2b4a5c6d\n",
				"000000000000002a-8f3c9d1e2b4a5c6d\n", "-00000000000002a/8f3c9d1e2b4a5c6d\n",
				"000000000000002a/8f3c9d1e2b4a5c6d\n\n" })
		void refusesMalformedContent(String content) {
			fake().write("app.db-pos", content);
			assertThatExceptionOfType(LiteFsFileException.class).isThrownBy(() -> mount().readPosition())
				.withMessageContaining("app.db-pos");
		}

	}

	@Nested
	class LagFile {

		@Test
		void zeroOnThePrimary() {
			fake();
			assertThat(mount().readLag()).contains(Duration.ZERO);
		}

		@Test
		void millisecondsOnAReplica() {
			fake().write(".lag", "+000000012\n");
			assertThat(mount().readLag()).contains(Duration.ofMillis(12));
		}

		@Test
		void acceptsTenDigits() {
			fake().write(".lag", "+1000000000\n");
			assertThat(mount().readLag()).contains(Duration.ofSeconds(1_000_000));
		}

		@Test
		void neverSyncedIsTheLargestLag() {
			fake().write(".lag", "+2147483647\n");
			assertThat(mount().readLag()).contains(LiteFsMount.NEVER_SYNCED_LAG);
		}

		@Test
		void aNegativeLagIsNoLag() {
			fake().write(".lag", "-000000050\n");
			assertThat(mount().readLag()).contains(Duration.ZERO);
		}

		@ParameterizedTest
		@ValueSource(strings = { "", "12\n", "+12\n", "+00000001a\n", "+00000000012\n", "lag\n", "+ 00000012\n" })
		void refusesGarbledContent(String content) {
			fake().write(".lag", content);
			assertThatExceptionOfType(LiteFsFileException.class).isThrownBy(() -> mount().readLag())
				.withMessageContaining(".lag");
		}

	}

	@Nested
	class MountDetection {

		@Test
		void aPlainDirectoryIsNotAMount() {
			assertThat(mount().isLiteFsMount()).isFalse();
			assertThat(mount().isReadable()).isTrue();
		}

		@Test
		void aDirectoryWithLiteFsFilesIsAMount() {
			fake();
			assertThat(mount().isLiteFsMount()).isTrue();
		}

		@Test
		void aMissingDirectoryIsNotReadable() {
			assertThat(new LiteFsMount(LiteFsMountTests.this.dir.resolve("missing"), "app.db").isReadable()).isFalse();
		}

	}

}
