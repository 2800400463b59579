package dev.litefs.sample.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@code deploy/local/run-local-cluster.sh} without LiteFS: it says what it needs and
 * exits non-zero, before starting or downloading anything.
 */
@EnabledOnOs({ OS.LINUX, OS.MAC })
class LocalClusterScriptTests {

	private static final Path SCRIPT = Path.of("deploy", "local", "run-local-cluster.sh");

	@TempDir
	Path clusterDir;

	@Test
	void withoutLitefsOnPathItSaysWhereToPutOne() throws Exception {
		assumeFalse(Files.exists(Path.of("/usr/bin/litefs")) || Files.exists(Path.of("/bin/litefs")));

		Run run = run(Map.of("PATH", "/usr/bin:/bin"));

		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.output()).startsWith("run-local-cluster: no litefs binary: none on PATH, and LITEFS_BIN is not set.")
			.contains("does not fetch it")
			.contains("LITEFS_BIN=/path/to/litefs");
		assertThat(this.clusterDir).isEmptyDirectory();
	}

	@Test
	void withLitefsBinNamingNothingItSaysSo() throws Exception {
		Path missing = this.clusterDir.resolve("litefs");

		Run run = run(Map.of("PATH", "/usr/bin:/bin", "LITEFS_BIN", missing.toString()));

		assertThat(run.exitCode()).isEqualTo(1);
		assertThat(run.output()).startsWith("run-local-cluster: LITEFS_BIN=" + missing + " is not an executable file.");
		assertThat(this.clusterDir).isEmptyDirectory();
	}

	private Run run(Map<String, String> environment) throws IOException, InterruptedException {
		ProcessBuilder builder = new ProcessBuilder("bash", SCRIPT.toString()).redirectErrorStream(true);
		builder.environment().clear();
		builder.environment().putAll(environment);
		builder.environment().put("LOCAL_CLUSTER_DIR", this.clusterDir.toString());
		Process process = builder.start();
		assertThat(process.waitFor(10, TimeUnit.SECONDS)).as("the script finished").isTrue();
		return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
	}

	private record Run(int exitCode, String output) {
	}

}
