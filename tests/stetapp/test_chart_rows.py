"""A bar chart's rows as the page draws them (stetapp.charts.ChartRow.html and
.table_row, templates/partials/bar_chart.html): the short label, the number and the bar;
the full label in the screen reader's table; everything escaped."""

from stetapp.charts import LABEL_CHARS, bar_chart


def _rows(items, **kwargs):
    return bar_chart(chart_id="c", title="T", items=items, **kwargs).rows


def test_a_row_shows_its_short_label_its_number_and_its_bar():
    (row,) = _rows([("turkish <women>", 7)])
    assert row.html == (
        '<div class="chart-row"><span class="chart-label">Turkish &lt;women&gt;</span>'
        f'<span class="chart-value">7</span>{row.bar}</div>'
    )
    assert 'width="360"' in row.bar  # the longest bar is full length


def test_the_table_row_has_the_full_label():
    label = "a label longer than the chart shows in its row, " * 2
    (row,) = _rows([(label, 3)])
    assert len(row.short_label) == LABEL_CHARS
    assert row.table_row == f'<tr><th scope="row">{label[0].upper()}{label[1:]}</th><td>3</td></tr>'
    short = row.short_label
    assert f">{short[0].upper()}{short[1:]}</span>" in row.html
    assert label[1:] not in row.html


def test_a_hidden_count_is_shown_escaped_without_a_bar():
    (row,) = _rows([("men", 3)], suppressed=True)
    assert '<span class="chart-value">&lt;5</span>' in row.html
    assert "#1f5f7a" not in row.html  # the track only
    assert row.table_row.endswith("<td>&lt;5</td></tr>")


def test_the_chart_draws_all_rows_as_each_row_does():
    chart = bar_chart(chart_id="c", title="T", items=[("a & b", 9), ("c", 0), ("d", 2)])
    assert chart.rows_html == "".join(row.html for row in chart.rows)
    assert chart.table_html == "".join(row.table_row for row in chart.rows)
    assert "A &amp; b" in chart.rows_html and "A &amp; b" in chart.table_html


def test_a_row_draws_as_django_s_format_html_would():
    # The rows are written with plain string work for speed: the same markup as
    # format_html, a label already marked safe kept as it is, quotes escaped.
    from django.utils.html import format_html
    from django.utils.safestring import mark_safe

    for label in ['say "hi" <b>', mark_safe("<em>kept</em>"), "it's"]:
        (row,) = _rows([(label, 4)])
        assert row.html == format_html(
            '<div class="chart-row"><span class="chart-label">{}</span>'
            '<span class="chart-value">{}</span>{}</div>',
            row.short_label[:1].upper() + row.short_label[1:],
            row.display,
            row.bar,
        )
        assert row.table_row == format_html(
            '<tr><th scope="row">{}</th><td>{}</td></tr>',
            row.label[:1].upper() + row.label[1:],
            row.display,
        )
