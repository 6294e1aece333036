// While a contact writes a ticket, asks PartnerDesk whether it looks like a known Microsoft issue of
// their tenant (GET /api/v1/service-health/matches) and shows the match above the send button.
// Listens on the document, so it keeps working across Blazor's enhanced navigation.
(() => {
    let timer;
    let asked = "";
    const onEdit = event => {
        const form = event.target.closest?.("form[data-known-issue-check]");
        if (!form) return;
        clearTimeout(timer);
        timer = setTimeout(() => check(form), 350);
    };
    document.addEventListener("input", onEdit);
    document.addEventListener("change", onEdit);

    async function check(form) {
        const title = form.querySelector("#title")?.value ?? "";
        const description = form.querySelector("#description")?.value ?? "";
        const service = form.querySelector("#service")?.value ?? "";
        if ((title + description).trim().length < 6) {
            render(form, []);
            return;
        }
        const query = new URLSearchParams({ title, description });
        if (service) query.set("service", service);
        const key = query.toString();
        if (key === asked) return;
        asked = key;
        try {
            const response = await fetch(`${form.dataset.knownIssueCheck}?${key}`, { credentials: "same-origin", headers: { Accept: "application/json" } });
            if (response.ok && key === asked) render(form, await response.json());
        } catch {
            // The check is a help, never a gate: filing works without it.
        }
    }

    function render(form, matches) {
        const box = form.querySelector("[data-known-issue-prompt]");
        if (!box) return;
        box.replaceChildren();
        box.hidden = matches.length === 0;
        for (const match of matches) {
            const article = document.createElement("article");
            article.className = "known-issue";
            article.dataset.issue = match.microsoftId;
            const heading = document.createElement("strong");
            heading.textContent = `${box.dataset.heading} ${match.service}: ${match.title}`;
            article.append(heading);
            if (match.latestPost) {
                const latest = document.createElement("p");
                latest.textContent = `${box.dataset.latest} ${match.latestPost}`;
                article.append(latest);
            }
            box.append(article);
        }
        if (matches.length > 0) {
            const hint = document.createElement("p");
            hint.className = "muted";
            hint.textContent = box.dataset.hint;
            box.append(hint);
        }
    }
})();
