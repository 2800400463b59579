package dev.litefs.spring.testapp;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import dev.litefs.spring.routing.EnsurePrimary;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.View;

/**
 * Server-rendered handlers: a view, and the post/redirect/get of a form.
 */
@Controller
public class PageController {

	private static final View PAGE = new View() {

		@Override
		public String getContentType() {
			return "text/html;charset=UTF-8";
		}

		@Override
		public void render(Map<String, ?> model, HttpServletRequest request, HttpServletResponse response)
				throws Exception {
			response.setContentType(getContentType());
			response.getOutputStream().write(("<p>" + model.get("message") + "</p>").getBytes(StandardCharsets.UTF_8));
		}

	};

	private final Posts posts;

	PageController(Posts posts) {
		this.posts = posts;
	}

	@GetMapping("/page")
	public ModelAndView page() {
		return new ModelAndView(PAGE, Map.of("message", this.posts.count() + " posts"));
	}

	@PostMapping("/page")
	@EnsurePrimary
	public ModelAndView createAndRender(@RequestParam String title) {
		long id = this.posts.insert(title);
		return new ModelAndView(PAGE, Map.of("message", "created " + id));
	}

	@PostMapping("/page/posts")
	@EnsurePrimary
	public String createAndRedirect(@RequestParam String title) {
		this.posts.insert(title);
		return "redirect:/page";
	}

}
