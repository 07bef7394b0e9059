package org.taama.flow;

import java.util.List;

/**
 * What a node shows before the engine adds numbering, paging and navigation: its body, the labels of
 * its options (numbered from 1), whether the body may run over several pages, and whether it ends
 * the session.
 */
public record View(String body, List<String> options, boolean pageable, boolean end) {}
