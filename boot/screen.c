// SPDX-License-Identifier: GPL-2.0
/*
 * The result on the GOP framebuffer, for the machines whose users see
 * nothing else: the verdict, the totals line and the closing summary, the
 * same lines the serial log has. tests/fbcon_check.py draws the same
 * layout from the serial log and compares every pixel:
 *
 * - scale s = max(1, min(width / 800, height / 640)), so that a row holds
 *   about 100 characters and the screen about 40 rows, and a phone photo
 *   of the panel stays readable; margin m = 16 s pixels;
 * - "PASS" in green or "FAIL" in red at (m, m), each font pixel 4s wide;
 * - the totals line in white at (m, m + 64s + m), at 2s;
 * - from y0 = m + 64s + m + 32s + m on, rows of 16s pixels at x = m, at s,
 *   in white: "incomplete: ..." when a unit went untested (as "# verdict:"
 *   says), then each "# summary: " line without that prefix. A line longer
 *   than a row, cols = (width - 2m) / 8s characters, goes on in the next
 *   rows, indented by two characters. There are (height - m - y0) / 16s
 *   rows; nothing is drawn below them;
 * - the failing cases' lines are the ones cut short: when the lines do
 *   not all fit, or the summary itself left failing cases out, those
 *   shown are the first that fit, whole, in the rows the other lines
 *   leave, less one, and that row says "and N more failing case(s)" (N =
 *   every failing case less those shown). The summary's own "and N more
 *   failing case(s), see above" line is not shown;
 * - everything else black.
 */
#include "boot/screen.h"
#include "drivers/fbcon.h"
#include "lib/ktap.h"
#include "lib/printf.h"
#include "lib/string.h"
#include "tests/runner.h"

#define SCREEN_WIDTH_PER_SCALE	800	/* 100 characters of 8 pixels */
#define SCREEN_HEIGHT_PER_SCALE	640	/* 40 rows of 16 pixels */
#define SCREEN_MARGIN		16	/* pixels, at scale 1 */
#define SCREEN_WORD_SCALE	4	/* PASS or FAIL, times the scale */
#define SCREEN_TOTALS_SCALE	2	/* the totals line, times the scale */
#define SCREEN_INDENT		2	/* characters, on a line's next rows */
#define SCREEN_TEXT_LEN		200

struct screen {
	u32 scale;
	u32 x, y;		/* the first row's top left corner */
	u32 cols, rows;
	u32 row;		/* the next row to draw */
	/* Measured first: the rows the failing cases take, and the rest. */
	u32 fact_rows;
	u32 failure_rows;
	unsigned int failures_listed;
	/* Then drawn: whether the failing cases are cut short, and to what. */
	bool cut;
	u32 failure_budget;	/* rows */
	unsigned int failures_shown;
	bool in_failures;	/* the last line drawn was a failing case's */
	bool failures_done;	/* one did not fit: none after it is shown */
};

static u32 rows_of(const struct screen *sc, const char *line)
{
	size_t len = strlen(line), next = sc->cols - SCREEN_INDENT;

	if (len <= sc->cols || sc->cols <= SCREEN_INDENT)
		return 1;
	return 1 + (len - sc->cols + next - 1) / next;
}

/* @line from the next row on, wrapped; rows past the last are left out. */
static void draw_line(struct screen *sc, const char *line)
{
	u32 cell_w = FONT_WIDTH * sc->scale, cell_h = FONT_HEIGHT * sc->scale;
	size_t len = strlen(line), done = 0;
	u32 indent = 0;

	do {
		size_t n;

		if (sc->row >= sc->rows)
			return;
		n = MIN(len - done, (size_t)(sc->cols - indent));
		fbcon_text(sc->x + indent * cell_w, sc->y + sc->row * cell_h,
			   sc->scale, FBCON_WHITE, FBCON_BLACK, line + done, n);
		sc->row++;
		done += n;
		indent = SCREEN_INDENT;
	} while (done < len);
}

static void measure(enum summary_kind kind, const char *line, void *ctx)
{
	struct screen *sc = ctx;

	if (kind == SUMMARY_FACT)
		sc->fact_rows += rows_of(sc, line);
	if (kind == SUMMARY_FAILURE) {
		sc->failure_rows += rows_of(sc, line);
		sc->failures_listed++;
	}
}

static void draw_more(struct screen *sc)
{
	char more[SCREEN_TEXT_LEN];

	ksnprintf(more, sizeof(more), "and %u more failing case(s)",
		  runner_failures() - sc->failures_shown);
	draw_line(sc, more);
}

static void draw(enum summary_kind kind, const char *line, void *ctx)
{
	struct screen *sc = ctx;
	u32 rows = rows_of(sc, line);

	if (kind == SUMMARY_MORE)
		return;		/* the screen says it its own way */
	if (kind == SUMMARY_FACT) {
		if (sc->in_failures && sc->cut)
			draw_more(sc);
		sc->in_failures = false;
		draw_line(sc, line);
		return;
	}
	sc->in_failures = true;
	if (sc->cut) {
		if (sc->failures_done || rows > sc->failure_budget) {
			sc->failures_done = true;
			return;
		}
		sc->failure_budget -= rows;
	}
	draw_line(sc, line);
	sc->failures_shown++;
}

void screen_show_result(bool pass)
{
	struct ktap_totals t = ktap_totals();
	struct screen sc = { 0 };
	char text[SCREEN_TEXT_LEN];
	const char *untested = runner_untested();
	u32 width, height, s, margin, y;

	if (!fbcon_size(&width, &height))
		return;
	s = MAX(1, MIN(width / SCREEN_WIDTH_PER_SCALE,
		       height / SCREEN_HEIGHT_PER_SCALE));
	margin = SCREEN_MARGIN * s;
	fbcon_clear(FBCON_BLACK);
	fbcon_text(margin, margin, SCREEN_WORD_SCALE * s,
		   pass ? FBCON_GREEN : FBCON_RED, FBCON_BLACK,
		   pass ? "PASS" : "FAIL", 4);
	y = margin + FONT_HEIGHT * SCREEN_WORD_SCALE * s + margin;
	ksnprintf(text, sizeof(text), "vtdtest: %u passed, %u failed, %u skipped",
		  t.passed, t.failed, t.skipped);
	fbcon_text(margin, y, SCREEN_TOTALS_SCALE * s, FBCON_WHITE, FBCON_BLACK,
		   text, sizeof(text));
	y += FONT_HEIGHT * SCREEN_TOTALS_SCALE * s + margin;

	sc.scale = s;
	sc.x = margin;
	sc.y = y;
	sc.cols = (width - 2 * MIN(width / 2, margin)) / (FONT_WIDTH * s);
	if (height > y + margin && sc.cols > SCREEN_INDENT)
		sc.rows = (height - margin - y) / (FONT_HEIGHT * s);
	if (untested[0]) {
		ksnprintf(text, sizeof(text), "incomplete: %s", untested);
		sc.fact_rows += rows_of(&sc, text);
	}
	runner_summary(measure, &sc);
	sc.cut = sc.failures_listed < runner_failures() ||
		 sc.fact_rows + sc.failure_rows > sc.rows;
	if (sc.cut && sc.rows > sc.fact_rows + 1)
		sc.failure_budget = sc.rows - sc.fact_rows - 1;
	if (untested[0])
		draw_line(&sc, text);
	runner_summary(draw, &sc);
	if (sc.in_failures && sc.cut)
		draw_more(&sc);
}
