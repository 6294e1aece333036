// The admin center's shell: the theme (light, dark or as the system, remembered in localStorage) and the navigation
// (collapsed on a desktop when the agent chooses, behind the menu button on a phone). Loaded in <head> so the theme is
// set before the page paints; an inline script would break the Content-Security-Policy (script-src 'self').
// Listens on the document, so it keeps working across Blazor's enhanced navigation.
(() => {
    const root = document.documentElement;
    const themeKey = "partnerdesk:theme";
    const navKey = "partnerdesk:nav";
    const fluentKey = "fluentui-blazor:theme-settings";
    const systemDark = window.matchMedia("(prefers-color-scheme: dark)");
    const phone = window.matchMedia("(max-width: 720px)");
    const read = key => { try { return localStorage.getItem(key); } catch { return null; } };
    const write = (key, value) => { try { value === null ? localStorage.removeItem(key) : localStorage.setItem(key, value); } catch { /* private mode: for this page only */ } };

    function choice() {
        const stored = read(themeKey);
        return stored === "light" || stored === "dark" ? stored : "system";
    }

    function applyTheme() {
        const chosen = choice();
        root.dataset.theme = chosen === "system" ? (systemDark.matches ? "dark" : "light") : chosen;
        root.style.colorScheme = root.dataset.theme;
        const button = document.getElementById("theme-switch");
        if (button) {
            button.hidden = false;
            const label = button.dataset[`label${chosen[0].toUpperCase()}${chosen.slice(1)}`];
            button.setAttribute("aria-label", label);
            button.title = label;
        }
    }

    // Fluent UI's own components read their theme from their key: they follow the same choice.
    function tellFluent(chosen) {
        try {
            const settings = JSON.parse(read(fluentKey) ?? "{}") ?? {};
            settings.mode = chosen;
            write(fluentKey, JSON.stringify(settings));
        } catch { /* left as it was */ }
        window.Blazor?.theme?.setThemeMode?.(chosen);
    }

    function applyNav() {
        const collapsed = read(navKey) === "collapsed";
        root.toggleAttribute("data-nav-collapsed", collapsed);
        for (const toggle of document.querySelectorAll("button[data-nav-toggle]")) {
            const open = phone.matches ? root.hasAttribute("data-nav-open") : !collapsed && !toggle.classList.contains("portal-menu");
            toggle.setAttribute("aria-expanded", open ? "true" : "false");
        }
    }

    function closeMenu() {
        root.removeAttribute("data-nav-open");
        applyNav();
    }

    // The console header's folds on a phone: the search field and the account menu, one open at a time; each button
    // tells whether its part is open (aria-expanded). Escape or a click elsewhere closes it.
    const foldKey = "data-header-open";

    function setFold(name) {
        if (name) root.setAttribute(foldKey, name);
        else root.removeAttribute(foldKey);
        for (const button of document.querySelectorAll("button[data-fold-toggle]")) {
            button.setAttribute("aria-expanded", button.dataset.foldToggle === name ? "true" : "false");
        }
    }

    function refresh() {
        root.removeAttribute("data-nav-open");
        setFold(null);
        applyTheme();
        applyNav();
    }

    applyTheme();
    systemDark.addEventListener("change", applyTheme);
    phone.addEventListener("change", refresh);

    document.addEventListener("click", event => {
        // The skip link moves the focus itself: Blazor's navigation only scrolls to a fragment.
        if (event.target.closest?.(".skip-link")) {
            const main = document.getElementById("content");
            if (main) {
                event.preventDefault();
                main.focus();
                main.scrollIntoView();
                return;
            }
        }

        const fold = event.target.closest?.("[data-fold-toggle]");
        if (fold) {
            const name = fold.dataset.foldToggle;
            const opening = root.getAttribute(foldKey) !== name;
            root.removeAttribute("data-nav-open");
            applyNav();
            setFold(opening ? name : null);
            if (opening && name === "search") document.getElementById("global-search")?.focus();
            return;
        }

        if (root.hasAttribute(foldKey) && !event.target.closest?.("#account-panel, #global-search-form")) {
            setFold(null);
        }

        const themeSwitch = event.target.closest?.("[data-theme-switch]");
        if (themeSwitch) {
            const next = { system: "light", light: "dark", dark: "system" }[choice()];
            write(themeKey, next === "system" ? null : next);
            tellFluent(next);
            applyTheme();
            return;
        }

        const toggle = event.target.closest?.("[data-nav-toggle]");
        if (toggle) {
            setFold(null);
            if (phone.matches || toggle.classList.contains("portal-menu")) {
                root.toggleAttribute("data-nav-open");
                if (root.hasAttribute("data-nav-open")) {
                    document.querySelector(".sidenav a, .topnav a")?.focus();
                }
            } else {
                write(navKey, read(navKey) === "collapsed" ? null : "collapsed");
            }

            applyNav();
            return;
        }

        // A link chosen in the open phone menu closes it (enhanced navigation keeps the page's attributes).
        if (root.hasAttribute("data-nav-open") && event.target.closest?.(".sidenav a, .topnav a")) {
            closeMenu();
        }
    });

    document.addEventListener("keydown", event => {
        const fold = root.getAttribute(foldKey);
        if (event.key === "Escape" && fold) {
            setFold(null);
            document.querySelector(`button[data-fold-toggle='${fold}']`)?.focus();
            return;
        }

        if (event.key === "Escape" && root.hasAttribute("data-nav-open")) {
            closeMenu();
            document.getElementById("nav-toggle")?.focus();
        }
    });

    document.addEventListener("DOMContentLoaded", () => {
        refresh();
        window.Blazor?.addEventListener?.("enhancedload", refresh);
    });
})();
