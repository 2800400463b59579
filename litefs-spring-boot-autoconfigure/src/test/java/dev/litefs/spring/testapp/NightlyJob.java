package dev.litefs.spring.testapp;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * A scheduled task that writes through an {@code @EnsurePrimary} service method,
 * outside any web request. What each run ended with is kept for the test.
 */
@Component
@ConditionalOnBooleanProperty("testapp.job.enabled")
public class NightlyJob {

	private final Posts posts;

	private final BlockingQueue<Object> results = new LinkedBlockingQueue<>();

	NightlyJob(Posts posts) {
		this.posts = posts;
	}

	@Scheduled(fixedDelay = 100)
	void run() {
		try {
			this.results.add(this.posts.create("nightly"));
		}
		catch (RuntimeException ex) {
			this.results.add(ex);
		}
	}

	public BlockingQueue<Object> results() {
		return this.results;
	}

}
