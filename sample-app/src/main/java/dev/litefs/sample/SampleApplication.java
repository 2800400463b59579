package dev.litefs.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A posts application that runs unchanged on a laptop (a plain directory as a
 * standalone primary) and on every node of a LiteFS cluster.
 */
@SpringBootApplication
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
