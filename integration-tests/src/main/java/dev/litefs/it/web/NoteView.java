package dev.litefs.it.web;

import java.time.LocalDateTime;

/**
 * A note as the pages and the API show it.
 *
 * @param id its ID
 * @param title its title
 * @param createdAt when it was written (UTC)
 * @param views how many times it was viewed through the API
 */
public record NoteView(long id, String title, LocalDateTime createdAt, long views) {

}
