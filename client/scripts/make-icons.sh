#!/bin/sh
# Makes the app's PNG icons from its one drawing, public/favicon.svg (ImageMagick 6: `apt-get install imagemagick`).
# The PNGs are committed; run this again after changing the drawing.
set -eu
cd "$(dirname "$0")/../public"
convert=${CONVERT:-/usr/bin/convert}
render() { "$convert" -background none -density 600 favicon.svg -resize "$1x$1" -depth 8 -strip "$2"; }
# Rounded corners for the icons shown as they are (desktop install, browser tabs); a full square for
# the maskable one (the phone cuts its own shape) and for iOS (which rounds it itself).
rounded() {
  size=$1 radius=$(($1 * 18 / 100))
  render "$size" png:- | "$convert" png:- \
    \( -size "${size}x${size}" xc:none -fill white -draw "roundrectangle 0,0,$((size - 1)),$((size - 1)),$radius,$radius" \) \
    -compose DstIn -composite -depth 8 -strip "$2"
}
rounded 192 icons/icon-192.png
rounded 512 icons/icon-512.png
render 512 icons/icon-maskable-512.png
render 180 png:- | "$convert" png:- -background "#0b5cad" -flatten -alpha off -depth 8 -strip apple-touch-icon.png
rounded 48 png:/tmp/accord-favicon-48.png
"$convert" /tmp/accord-favicon-48.png -define icon:auto-resize=48,32,16 favicon.ico
rm -f /tmp/accord-favicon-48.png
