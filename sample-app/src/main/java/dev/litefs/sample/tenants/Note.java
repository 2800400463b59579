package dev.litefs.sample.tenants;

import java.time.Instant;

/**
 * A note in a tenant's database.
 *
 * @param id the note's ID in that database
 * @param text the text
 * @param createdAt when it was written
 * @param hostname the LiteFS hostname of the node that wrote it
 */
public record Note(long id, String text, Instant createdAt, String hostname) {

}
