/**
 * Auto-configuration of HTTP sessions on LiteFS, configured by {@code litefs.session.*}.
 */
@NullMarked
package dev.litefs.spring.session.autoconfigure;

import org.jspecify.annotations.NullMarked;
