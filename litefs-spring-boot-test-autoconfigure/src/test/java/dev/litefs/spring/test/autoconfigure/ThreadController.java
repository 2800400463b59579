package dev.litefs.spring.test.autoconfigure;

import dev.litefs.spring.test.VirtualThreads;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** Which kind of thread serves a request: {@code virtual} or {@code platform}. */
@RestController
class ThreadController {

	@GetMapping("/thread")
	String thread() {
		return VirtualThreads.isVirtual(Thread.currentThread()) ? "virtual" : "platform";
	}

}
