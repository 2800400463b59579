package dev.litefs.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MachineActivityTests {

	@Test
	void namesAJvmByItsJarOrMainClass() {
		assertThat(MachineActivity.commandOf("java", new String[] { "/usr/bin/java", "-Xmx1g", "-jar", "/a/app.jar" }))
			.isEqualTo("`java -jar app.jar`");
		assertThat(MachineActivity.commandOf("java",
				new String[] { "java", "-cp", "a.jar:b.jar", "-Dx=y", "org.apache.maven.surefire.booter.ForkedBooter" }))
			.isEqualTo("`java org.apache.maven.surefire.booter.ForkedBooter`");
		assertThat(MachineActivity.commandOf("java", new String[] { "java", "-version" })).isEqualTo("`java`");
	}

	@Test
	void namesAnyOtherProcessByItsCommand() {
		assertThat(MachineActivity.commandOf("chromium", new String[] { "chromium", "--headless" }))
			.isEqualTo("`chromium`");
	}

	@Test
	void describesTheMachineWhileItRan() {
		try (MachineActivity activity = new MachineActivity()) {
			activity.close();
			assertThat(activity.describe()).containsKeys("load average (1, 5, 15 min)", "CPU used by the benchmarks",
					"CPU used by every other process", "other processes with 1 s of CPU or more");
		}
	}

}
