package dev.litefs.sample.posts;

import dev.litefs.spring.routing.EnsurePrimary;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.servlet.view.RedirectView;

/**
 * The page: the posts, newest first, a form to add one, and a footer naming the node
 * that served it.
 */
@Controller
class PostPageController {

	private final PostRepository posts;

	private final ServingNode node;

	PostPageController(PostRepository posts, ServingNode node) {
		this.posts = posts;
		this.node = node;
	}

	@ModelAttribute("node")
	NodeFooter node() {
		return this.node.footer();
	}

	@GetMapping("/")
	String index(Model model) {
		model.addAttribute("post", NewPost.empty());
		model.addAttribute("posts", this.posts.findNewestFirst());
		return "index";
	}

	@EnsurePrimary
	@PostMapping("/posts")
	ModelAndView create(@Valid @ModelAttribute("post") NewPost post, BindingResult errors,
			RedirectAttributes redirect) {
		if (errors.hasErrors()) {
			ModelAndView page = new ModelAndView("index", HttpStatus.UNPROCESSABLE_CONTENT);
			page.addObject("posts", this.posts.findNewestFirst());
			return page;
		}
		this.posts.create(post, this.node.hostname());
		// kept in the session until the next page shows it: on whichever node serves that page
		redirect.addFlashAttribute("published", post.title());
		RedirectView toPage = new RedirectView("/", true);
		toPage.setStatusCode(HttpStatus.SEE_OTHER);
		return new ModelAndView(toPage);
	}

}
