package dev.litefs.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.metrics.buffering.BufferingApplicationStartup;

/**
 * A posts application that runs unchanged on a laptop (a plain directory as a
 * standalone primary) and on every node of a LiteFS cluster. It records its start-up
 * steps, so that {@code /actuator/startup}, when exposed, shows what each bean cost.
 */
@SpringBootApplication
public class SampleApplication {

	/** Start-up steps kept for {@code /actuator/startup}: a start-up of this app records about 430. */
	private static final int STARTUP_STEPS = 2048;

	public static void main(String[] args) {
		application().run(args);
	}

	/**
	 * The application as {@link #main} runs it. (An AOT-processed run has no
	 * {@code /actuator/startup}: Spring Boot decides at build time that its start-up is not
	 * recorded.)
	 * @return the application, recording its start-up steps
	 */
	static SpringApplication application() {
		SpringApplication application = new SpringApplication(SampleApplication.class);
		application.setApplicationStartup(new BufferingApplicationStartup(STARTUP_STEPS));
		return application;
	}

}
