// An attempt's figures (the images it saved, and those left out with the reason) and, on a feedback round's first
// attempt, what its reviewer saw of the reviewed attempt's figures. Images come from /api/figure; an exported page
// has no server and names them only.
import type { AttemptView } from "../../api.js";
import { fmtInt } from "./bits.js";

/** The figures an attempt saved, as images (an exported page lists them by name), and those left out. */
export function Figures(props: { a: AttemptView; figureHref: (p: string) => string | null }) {
  const { figures, figuresSkipped } = props.a;
  if (figures.length === 0 && figuresSkipped.length === 0) return null;
  return (
    <div class="figures">
      <h4>
        figures <span class="muted small">{figures.length}</span>
      </h4>
      <div class="figure-grid">
        {figures.map((f) => {
          const href = props.figureHref(f.path);
          const size = `${f.format.toUpperCase()}${f.width !== null && f.height !== null ? ` · ${f.width}×${f.height}` : ""} · ${fmtInt(f.bytes)} bytes`;
          return (
            <figure key={f.path} class="figure" data-figure={f.name}>
              {href ? (
                <a href={href}>
                  <img src={href} alt={f.name} loading="lazy" />
                </a>
              ) : null}
              <figcaption>
                {f.name} <span class="muted small">{size}</span>
              </figcaption>
            </figure>
          );
        })}
      </div>
      {figuresSkipped.length ? (
        <ul class="muted small figures-skipped">
          {figuresSkipped.map((s) => (
            <li key={s.name}>
              {s.name || "(more)"}: {s.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A feedback round's first attempt: which figures of the reviewed attempt its reviewer saw as images. */
export function ReviewerSaw(props: { a: AttemptView; figureHref: (p: string) => string | null }) {
  const review = props.a.review;
  if (!review) return null;
  const shown = review.figures.filter((f) => f.shown && f.sent);
  return (
    <div class="reviewer-saw" data-seen={review.seen ? "yes" : "no"}>
      <h4>
        the reviewer {review.seen ? `saw ${shown.length} figure${shown.length === 1 ? "" : "s"} of #${review.attempt}` : `did not see the figures of #${review.attempt}`}
      </h4>
      {review.reason ? <p class="muted small">{review.reason}</p> : null}
      <div class="figure-grid">
        {shown.map((f) => {
          const href = props.figureHref(f.sent!.path);
          return (
            <figure key={f.name} class="figure" data-sent={f.name}>
              {href ? <img src={href} alt={f.name} loading="lazy" /> : null}
              <figcaption>
                {f.name} <span class="muted small">sent {f.sent!.width}×{f.sent!.height}</span>
              </figcaption>
            </figure>
          );
        })}
      </div>
      <ul class="muted small">
        {review.figures
          .filter((f) => !f.shown)
          .map((f) => (
            <li key={f.name}>
              {f.name}: {f.reason ?? "not shown"}
            </li>
          ))}
      </ul>
    </div>
  );
}
