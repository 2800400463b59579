package dev.litefs.it.web;

import java.net.URI;
import java.util.Map;

import dev.litefs.spring.node.LiteFsNode;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.validation.BindingResult;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseBody;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The pages and the JSON API of both applications, written as any Spring MVC
 * application is: nothing in it knows of LiteFS but the node's name it shows.
 */
@Controller
public class NotesController {

	private final Notes notes;

	private final LiteFsNode node;

	public NotesController(Notes notes, LiteFsNode node) {
		this.notes = notes;
		this.node = node;
	}

	@GetMapping("/notes")
	public String page(Model model) {
		model.addAttribute("form", new NoteForm());
		return page(model, "notes");
	}

	/** Post/redirect/get; the flash message needs a session (see the sessions page). */
	@PostMapping("/notes")
	public String create(@Valid @ModelAttribute("form") NoteForm form, BindingResult result, Model model,
			RedirectAttributes redirect) {
		if (result.hasErrors()) {
			return page(model, "notes");
		}
		long id = this.notes.create(form.getTitle());
		redirect.addFlashAttribute("saved", "Saved.");
		return "redirect:/notes/" + id;
	}

	@GetMapping("/notes/{id}")
	public String note(@PathVariable long id, Model model) {
		model.addAttribute("note", this.notes.find(id).orElseThrow(() -> new ResponseStatusException(HttpStatus.NOT_FOUND)));
		model.addAttribute("node", this.node.hostname());
		return "note";
	}

	@GetMapping("/api/notes")
	@ResponseBody
	public Map<String, Object> list() {
		return Map.of("node", this.node.hostname(), "notes", this.notes.list());
	}

	@GetMapping("/api/notes/count")
	@ResponseBody
	public Map<String, Object> count(@RequestParam String title) {
		return Map.of("node", this.node.hostname(), "count", this.notes.countTitled(title));
	}

	@PostMapping("/api/notes")
	@ResponseBody
	public ResponseEntity<Map<String, Object>> createJson(@Valid @RequestBody NoteForm form) {
		long id = this.notes.create(form.getTitle());
		return ResponseEntity.created(URI.create("/api/notes/" + id)).body(Map.of("id", id, "node", this.node.hostname()));
	}

	@GetMapping("/api/notes/{id}/views")
	@ResponseBody
	public Map<String, Object> view(@PathVariable long id) {
		return Map.of("node", this.node.hostname(), "views", this.notes.countView(id));
	}

	private String page(Model model, String view) {
		model.addAttribute("notes", this.notes.list());
		model.addAttribute("node", this.node.hostname());
		return view;
	}

}
