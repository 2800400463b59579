/**
 * What Actuator and Micrometer show of LiteFS: the {@code litefs} endpoint and the
 * sections the features add to it, the health component, info and metrics. Reads the
 * other packages; none of them reads this one.
 */
@NullMarked
package dev.litefs.spring.actuate;

import org.jspecify.annotations.NullMarked;
