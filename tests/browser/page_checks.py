"""What the browser tests ask of a page: its language, where focus is and whether a person can see it."""

from __future__ import annotations

from typing import Any

__all__ = ["page_language", "focused", "focus_problem", "tab_to", "tab_through", "in_viewport", "no_horizontal_overflow"]

# Describes document.activeElement: what it is, whether it matches :focus-visible, and its focus indicator.
_FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) { return null; }
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const id = el.id ? '#' + el.id : '';
  const cls = el.classList.length ? '.' + Array.from(el.classList).join('.') : '';
  return {
    tag: el.tagName.toLowerCase(), describe: el.tagName.toLowerCase() + id + cls,
    text: (el.innerText || el.value || '').trim().replace(/\\s+/g, ' ').slice(0, 80),
    href: el.getAttribute('href'), focusVisible: el.matches(':focus-visible'),
    outlineStyle: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
    boxShadow: style.boxShadow,
    box: {x: box.x, y: box.y, width: box.width, height: box.height},
    viewport: {width: window.innerWidth, height: window.innerHeight},
  };
}"""


def page_language(page: Any) -> tuple[str | None, str | None]:
    """The (lang, dir) attributes of the page's <html> element."""
    lang, direction = page.evaluate("() => [document.documentElement.getAttribute('lang'),"
                                    " document.documentElement.getAttribute('dir')]")
    return lang, direction


def focused(page: Any) -> dict[str, Any] | None:
    """The focused element, described; None when nothing but the body has focus."""
    return page.evaluate(_FOCUSED)


def focus_problem(state: dict[str, Any]) -> str | None:
    """Why a person could not see where keyboard focus is, or None when they can."""
    where = f"{state['describe']} ({state['text']!r})"
    if not state["focusVisible"]:
        return f"{where} has keyboard focus but does not match :focus-visible"
    if not ((state["outlineStyle"] != "none" and state["outlineWidth"] > 0) or state["boxShadow"] != "none"):
        return f"{where} shows no focus indicator (outline {state['outlineStyle']} {state['outlineWidth']}px, " \
               f"box-shadow {state['boxShadow']})"
    if not in_viewport(state):
        return f"{where} has focus but is outside the viewport at {state['box']}"
    return None


def in_viewport(state: dict[str, Any]) -> bool:
    box, view = state["box"], state["viewport"]
    return (box["width"] > 0 and box["height"] > 0 and box["x"] + box["width"] > 0 and box["y"] + box["height"] > 0
            and box["x"] < view["width"] and box["y"] < view["height"])


def tab_to(page: Any, selector: str, limit: int = 250, text: str | None = None) -> dict[str, Any]:
    """Press Tab until the focused element matches `selector` (and contains `text`); every stop must show focus.

    Returns the focused element's description; fails naming every stop on the way when it is never reached.
    """
    stops = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if state is None:
            stops.append("(body)")
            continue
        problem = focus_problem(state)
        assert problem is None, problem
        stops.append(f"{state['describe']} {state['text']!r}")
        matches = page.evaluate("(s) => document.activeElement.matches(s)", selector)
        if matches and (text is None or text in state["text"]):
            return state
    raise AssertionError(f"Tab never reached {selector} {text or ''} on {page.url}; focus went: " + " → ".join(stops))


def tab_through(page: Any, limit: int = 400) -> tuple[list[str], list[str]]:
    """Tab from the top of the page to its end: (every stop, the problems a person would have seeing focus)."""
    stops: list[str] = []
    problems: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        state = focused(page)
        if state is None:
            if stops:
                break  # focus left the page: every stop was visited
            continue
        label = f"{state['describe']} {state['text']!r}"
        if stops and label == stops[0]:
            break
        stops.append(label)
        if (problem := focus_problem(state)) is not None:
            problems.append(problem)
    return stops, problems


def no_horizontal_overflow(page: Any) -> list[str]:
    """What sticks out sideways: the page's own overflow, then the innermost elements wider than the viewport."""
    return page.evaluate("""() => {
      const width = document.documentElement.clientWidth;
      const out = [];
      if (document.documentElement.scrollWidth > width + 1) {
        out.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + 'px wide in ' + width + 'px');
      }
      const over = [];
      for (const el of document.querySelectorAll('body *')) {
        const box = el.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) { continue; }
        if (getComputedStyle(el).position === 'absolute' && (box.right < 0 || box.left > width)) { continue; }
        if (box.right > width + 1 || box.left < -1) { over.push([el, box]); }
      }
      for (const [el, box] of over) {
        if (over.some(([other]) => other !== el && el.contains(other))) { continue; }  // name the innermost
        const cls = el.classList.length ? '.' + Array.from(el.classList).join('.') : '';
        const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
        out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + cls + ' ' + JSON.stringify(text) +
                 ' spans ' + Math.round(box.left) + '..' + Math.round(box.right) + 'px');
      }
      return out.slice(0, 20);
    }""")
