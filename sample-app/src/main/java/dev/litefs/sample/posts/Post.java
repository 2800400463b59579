package dev.litefs.sample.posts;

import java.time.Instant;

/**
 * A post as stored: written on the primary of the moment, replicated to every node.
 *
 * @param id the post's ID
 * @param title the title, 1 to 200 characters
 * @param body the body, up to 10 000 characters, possibly empty
 * @param createdAt when the post was written
 * @param hostname the LiteFS hostname of the node that wrote it
 */
public record Post(long id, String title, String body, Instant createdAt, String hostname) {

}
