/**
 * HTTP sessions that follow users across the nodes of a LiteFS cluster: Spring Session
 * JDBC in the LiteFS database, read locally on every node, changed through the primary.
 */
@NullMarked
package dev.litefs.spring.session;

import org.jspecify.annotations.NullMarked;
