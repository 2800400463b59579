/**
 * The LiteFS mount as Java: this node's role, the primary, the position and lag, and
 * role-change events. Uses no other package of the starter.
 */
@NullMarked
package dev.litefs.spring.node;

import org.jspecify.annotations.NullMarked;
