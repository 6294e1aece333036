// A button with data-print prints the page. An inline onclick would break the Content-Security-Policy (script-src 'self').
document.addEventListener("click", event => {
    if (event.target.closest?.("[data-print]")) {
        window.print();
    }
});
