package dev.litefs.spring.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Unit tests of {@link CauseChain}: the first cause of a type or that passes a test, and
 * chains that loop back on themselves.
 */
class CauseChainTests {

	@Test
	void findsTheFirstCauseOfATypeTheFailureIncluded() {
		IOException io = new IOException("disk");
		IllegalStateException outer = new IllegalStateException(new UncheckedIOException(io));
		assertThat(CauseChain.find(outer, IOException.class)).isSameAs(io);
		assertThat(CauseChain.find(outer, IllegalStateException.class)).isSameAs(outer);
		assertThat(CauseChain.find(outer, RuntimeException.class)).isSameAs(outer);
		assertThat(CauseChain.find(outer, InterruptedException.class)).isNull();
	}

	@Test
	void findsTheFirstCauseThatPassesATest() {
		IOException io = new IOException("disk");
		assertThat(CauseChain.find(new RuntimeException(new RuntimeException(io)), (cause) -> cause.getMessage() == "disk"))
			.isSameAs(io);
	}

	@Test
	void walksAChainThatLoopsBackOnceAndEnds() {
		for (int length = 1; length <= 7; length++) {
			RuntimeException first = new RuntimeException("0");
			RuntimeException last = first;
			for (int i = 1; i < length; i++) {
				RuntimeException next = new RuntimeException(String.valueOf(i));
				last.initCause(next);
				last = next;
			}
			RuntimeException loopStart = first;
			if (length > 2) {
				loopStart = (RuntimeException) first.getCause();
			}
			if (last != loopStart) {
				last.initCause(loopStart);
			}
			RuntimeException chain = first;
			assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5),
					() -> CauseChain.find(chain, IOException.class)))
				.isNull();
			String lastMessage = last.getMessage();
			assertThat(CauseChain.find(chain, (cause) -> cause.getMessage().equals(lastMessage))).isSameAs(last);
		}
	}

	@Test
	void aFailureThatIsItsOwnCauseIsReadOnce() {
		Throwable self = new Throwable("self") {
			@Override
			public synchronized Throwable getCause() {
				return this;
			}
		};
		assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> CauseChain.find(self, IOException.class)))
			.isNull();
	}

}
