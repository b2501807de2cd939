/* A callback answered 401: the session ended (signed out elsewhere, expired, account disabled). Dash does not
   redirect on its own, so go to the sign-in page, coming back here after. */
(function () {
  const fetchBefore = window.fetch;
  window.fetch = function () {
    return fetchBefore.apply(this, arguments).then(function (response) {
      if (response.status === 401 && new URL(response.url, window.location.href).pathname.startsWith("/_dash-")) {
        const back = window.location.pathname + window.location.search;
        window.location.assign("/dang-nhap?next=" + encodeURIComponent(back));
      }
      return response;
    });
  };
})();
